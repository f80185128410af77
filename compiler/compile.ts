import { posix } from 'node:path';
import type { Diagnostic, Span } from './diagnostics/types.js';
import { hasErrors } from './diagnostics/types.js';
import { diag } from './diagnostics/catalog.js';
import { loadChain, type ChainLink } from './3-resolve/load-chain.js';
import { parsePointer } from './1-parse/source-map.js';
import { mergeChain, writeImpliesRead, type Merged } from './3-resolve/merge-chain.js';
import { buildIR, checkEffective } from './3-resolve/build-ir.js';
import type { SourceHost } from './3-resolve/source-host.js';
import type { PolicyIR } from './ir/policy-ir.js';
import { validateIR } from './ir/validate-ir.js';
import { lowerMounts } from './4-lower/lower-mounts.js';
import { lowerCgroup } from './4-lower/lower-cgroup.js';
import { lowerEnv } from './4-lower/lower-env.js';
import { emitBundle, sha256, type SourceRef } from './5-emit/emit-bundle.js';
import { resolveSyscalls } from './3-resolve/resolve-syscalls.js';
import { emitSeccomp } from './5-emit/seccomp/emit-seccomp.js';
import type { Why } from './4-lower/seccomp/lower-seccomp.js';
import { checkPolicyPaths } from './paths/check-policy-paths.js';

export interface Resolved {
  chain: ChainLink[];
  merged: Merged;
  ir: PolicyIR;
  /** Name of each chain file inside the bundle (relative to the entry policy, or builtin:NAME). */
  bundleNames: Map<string, string>;
}

export interface ResolveResult {
  resolved: Resolved | null;
  diagnostics: Diagnostic[];
  texts: Map<string, string>;
}

/** Phases 1–3: parse, validate and resolve a policy and its extends chain into the IR. */
export function resolvePolicy(entryAbs: string, host: SourceHost): ResolveResult {
  const loaded = loadChain(entryAbs, host);
  const ds = [...loaded.diagnostics];
  if (hasErrors(ds) || loaded.chain.length === 0) return { resolved: null, diagnostics: ds, texts: loaded.texts };
  const chain = loaded.chain;
  const raw = mergeChain(chain);
  ds.push(...checkEffective(raw, host.exists, chain.map((l) => l.display)));
  const merged = writeImpliesRead(raw);
  ds.push(...checkPolicyPaths(chain, merged, host.exists));
  const entryDir = posix.dirname(entryAbs);
  const bundleNames = new Map<string, string>();
  for (const l of chain) bundleNames.set(l.display, l.builtin ? l.key : posix.relative(entryDir, l.key));
  const ir = buildIR(merged, chain.map((l) => bundleNames.get(l.display)!));
  ds.push(...resolveSyscalls(merged, ir, chain, host));
  const bad = validateIR(ir);
  if (bad) ds.push(diag('SF9002', { where: bad[0], detail: bad[1] }));
  if (hasErrors(ds)) return { resolved: null, diagnostics: ds, texts: loaded.texts };
  return { resolved: { chain, merged, ir, bundleNames }, diagnostics: ds, texts: loaded.texts };
}

export interface CompileResult extends ResolveResult {
  files: Map<string, Uint8Array> | null;
}

/** The whole pipeline: policy file in, bundle files out (nothing is written). */
export function compilePolicy(entryAbs: string, host: SourceHost): CompileResult {
  const r = resolvePolicy(entryAbs, host);
  if (!r.resolved) return { ...r, files: null };
  const { ir, merged, chain, bundleNames } = r.resolved;
  const ds = [...r.diagnostics];
  const span = (ptr: string): Span | undefined => merged.origins.get(ptr);
  const mounts = lowerMounts(ir, span);
  const cgroup = lowerCgroup(ir, span);
  const env = lowerEnv(ir);
  const ref = (s: Span): SourceRef => ({ file: bundleNames.get(s.file) ?? s.file, line: s.line, col: s.col });
  const where = (why: Why): string => {
    const s = why.ptr ? merged.origins.get(rawPointer(why.ptr)) : undefined;
    if (s) return `${why.text} (${ref(s).file}:${s.line}:${s.col})`;
    if (why.ptr?.startsWith('/syscalls/imported/') && ir.syscalls.imported) return `${why.text} of ${posix.basename(ir.syscalls.imported.file)}`;
    return why.text;
  };
  const seccomp = emitSeccomp(ir, where);
  ds.push(...mounts.diagnostics, ...cgroup.diagnostics, ...env.diagnostics, ...seccomp.diagnostics);
  if (hasErrors(ds)) return { ...r, diagnostics: ds, files: null };

  const sourcemap: Record<string, SourceRef> = {};
  for (const [ptr, s] of merged.origins) {
    const irPtr = irPointer(ptr);
    if (hasPointer(ir, irPtr)) sourcemap[`policy.json#${irPtr}`] = ref(s);
  }
  const lowered: [string, Record<string, string>][] = [['mounts.json', mounts.origins], ['cgroup.json', cgroup.origins], ['env.json', env.origins]];
  for (const [artifact, origins] of lowered) {
    for (const [ptr, from] of Object.entries(origins)) {
      const s = merged.origins.get(from);
      if (s) sourcemap[`${artifact}#${ptr}`] = ref(s);
    }
  }
  const sources = chain.map((l) => ({ name: bundleNames.get(l.display)!, sha256: sha256(l.parsed.text) }));
  const out = emitBundle({
    ir, mounts: mounts.value, cgroup: cgroup.value, env: env.value, sourcemap, sources,
    json: { 'seccomp/oci.json': seccomp.oci }, raw: seccomp.raw,
  });
  ds.push(...out.diagnostics);
  return { ...r, diagnostics: ds, files: hasErrors(ds) ? null : out.files };
}

/** Raw policy pointers that were renamed in the IR (units converted). */
const RENAMED: Record<string, string> = {
  '/resources/memory': '/resources/memoryBytes',
  '/resources/disk': '/resources/diskBytes',
  '/resources/timeout': '/resources/timeoutMs',
  '/vm/memory': '/vm/memoryBytes',
};

/** The inverse of irPointer, for pointers into the syscalls section. */
export function rawPointer(ir: string): string {
  return ir.replace(/^\/syscalls\/rules\/(\d+)\/syscalls/, '/syscalls/rules/$1/syscall');
}

export function irPointer(raw: string): string {
  for (const [from, to] of Object.entries(RENAMED)) if (raw === from || raw.startsWith(from + '/')) return to + raw.slice(from.length);
  return raw.replace(/^\/syscalls\/rules\/(\d+)\/syscall/, '/syscalls/rules/$1/syscalls');
}

/** Does the JSON pointer name a value of obj? */
function hasPointer(obj: unknown, ptr: string): boolean {
  let cur: unknown = obj;
  for (const seg of parsePointer(ptr)) {
    const key = String(seg);
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}
