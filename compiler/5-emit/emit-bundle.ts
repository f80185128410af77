import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import type { PolicyIR } from '../ir/policy-ir.js';
import type { MountPlan } from '../4-lower/lower-mounts.js';
import type { CgroupPlan } from '../4-lower/lower-cgroup.js';
import type { EnvPlan } from '../4-lower/lower-env.js';
import { canonicalJson } from './canonical-json.js';
import { BUNDLE_FORMAT, COMPILER_VERSION } from '../version.js';

export const MAX_ARTIFACT_BYTES = 16 * 1024 * 1024;

export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface EmitInput {
  ir: PolicyIR;
  mounts: MountPlan;
  cgroup: CgroupPlan;
  env: EnvPlan;
  /** "artifact#/pointer" -> where in the policy files it comes from. */
  sourcemap: Record<string, SourceRef>;
  /** Every policy file of the chain: bundle-relative name and sha256 of its UTF-8 text (a BOM removed). */
  sources: { name: string; sha256: string }[];
  /** Further JSON artifacts (e.g. seccomp/oci.json), by bundle path. */
  json?: Record<string, unknown>;
  /** Artifacts that are bytes or text as they are (e.g. seccomp/x86_64.bpf and .txt). */
  raw?: Map<string, Uint8Array | string>;
}

export interface Manifest {
  format: string;
  compiler: { name: 'sandforge'; version: string };
  policy: { name: string; sha256: string };
  sources: { name: string; sha256: string }[];
  artifacts: Record<string, string>;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const enc = new TextEncoder();

/** Phase 5: artifacts as bytes, keyed by bundle-relative path; manifest.json last. Pure. */
export function emitBundle(input: EmitInput): { files: Map<string, Uint8Array>; diagnostics: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const files = new Map<string, Uint8Array>();
  const add = (name: string, value: unknown) => {
    const bytes = enc.encode(canonicalJson(value));
    if (bytes.length > MAX_ARTIFACT_BYTES) ds.push(diag('SF5001', { artifact: name, size: bytes.length, limit: MAX_ARTIFACT_BYTES }));
    files.set(name, bytes);
  };
  add('policy.json', input.ir);
  add('mounts.json', input.mounts);
  add('cgroup.json', input.cgroup);
  add('env.json', input.env);
  add('sourcemap.json', { format: 'sandforge-sourcemap/1', entries: input.sourcemap });
  for (const [name, value] of Object.entries(input.json ?? {})) add(name, value);
  for (const [name, data] of input.raw ?? []) {
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    if (bytes.length > MAX_ARTIFACT_BYTES) ds.push(diag('SF5001', { artifact: name, size: bytes.length, limit: MAX_ARTIFACT_BYTES }));
    files.set(name, bytes);
  }
  const artifacts: Record<string, string> = {};
  for (const name of [...files.keys()].sort()) artifacts[name] = sha256(files.get(name)!);
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    compiler: { name: 'sandforge', version: COMPILER_VERSION },
    policy: { name: input.ir.name, sha256: artifacts['policy.json']! },
    sources: input.sources,
    artifacts,
  };
  files.set('manifest.json', enc.encode(canonicalJson(manifest)));
  return { files, diagnostics: ds };
}
