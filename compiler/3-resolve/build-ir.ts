import type { Diagnostic, Span } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import type { RawPolicy, Port } from '../2-validate/raw-policy.js';
import { parseSize, parseDuration } from '../2-validate/units.js';
import { parseCidr, formatCidr } from '../2-validate/cidr.js';
import { IR_FORMAT, type PolicyIR, type PortRange } from '../ir/policy-ir.js';
import { parseAction } from '../ir/syscall-action.js';
import type { Merged } from './merge-chain.js';
import { setOwn } from './host-path.js';

export const DEFAULT_VM_MEMORY = 512 * 1024 * 1024;
export const DEFAULT_VSOCK_PORT = 2222;

function ports(list: Port[] | undefined): PortRange[] {
  return (list ?? []).map((p) => {
    if (typeof p === 'number') return { from: p, to: p };
    const [a, b] = p.split('-').map(Number);
    return { from: a!, to: b! };
  });
}

function normCidr(c: string): string {
  const r = parseCidr(c);
  if (!r.ok) throw new Error(`invalid CIDR reached the IR: ${c}`);
  return formatCidr(r.cidr);
}

function sortedRecord(r: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r ?? {}).sort()) setOwn(out, k, r![k]!);
  return out;
}

/** Phase 3c: fill defaults, convert units, normalise. The input has passed validation. */
export function buildIR(merged: Merged, chain: string[]): PolicyIR {
  const p: RawPolicy = merged.policy;
  const size = (v: number | string | undefined): number | null => (v === undefined ? null : parseSize(v));
  const fs = p.filesystem ?? {};
  const write = fs.write ?? [];
  const read = fs.read ?? []; // writeImpliesRead has removed the paths made writable
  return {
    format: IR_FORMAT,
    name: p.name,
    chain,
    backend: p.backend ?? 'process',
    filesystem: {
      workspace: fs.workspace ?? null,
      read,
      write,
      tmpfs: fs.tmpfs ?? [],
      deny: fs.deny ?? [],
    },
    network: {
      mode: p.network?.mode ?? 'offline',
      allow: (p.network?.allow ?? []).map((a) => ({
        host: a.host ? a.host.toLowerCase().replace(/\.$/, '') : null,
        cidr: a.cidr ? normCidr(a.cidr) : null,
        ports: ports(a.ports),
        protocol: a.protocol ?? 'tcp',
      })),
      deny: (p.network?.deny ?? []).map(normCidr),
    },
    resources: {
      memoryBytes: size(p.resources?.memory),
      cpu: p.resources?.cpu ?? null,
      pids: p.resources?.pids ?? null,
      timeoutMs: p.resources?.timeout === undefined ? null : parseDuration(p.resources.timeout),
      diskBytes: size(p.resources?.disk),
    },
    syscalls: {
      default: parseAction(p.syscalls?.default ?? 'errno(EPERM)'),
      import: p.syscalls?.import ?? null,
      allow: p.syscalls?.allow ?? [],
      deny: p.syscalls?.deny ?? [],
      rules: (p.syscalls?.rules ?? []).map((r) => ({
        syscalls: typeof r.syscall === 'string' ? [r.syscall] : r.syscall,
        when: r.when ?? null,
        action: parseAction(r.action),
      })),
      compat: p.syscalls?.compat ?? 'deny',
      imported: null,
    },
    env: { pass: p.env?.pass ?? [], set: sortedRecord(p.env?.set) },
    process: { user: p.process?.user ?? null, capabilities: p.process?.capabilities ?? [] },
    vm: {
      vcpus: p.vm?.vcpus ?? 1,
      memoryBytes: size(p.vm?.memory) ?? DEFAULT_VM_MEMORY,
      kernel: p.vm?.kernel ?? null,
      initrd: p.vm?.initrd ?? null,
      vsockPort: p.vm?.vsockPort ?? DEFAULT_VSOCK_PORT,
    },
    tests: (p.tests ?? []).map((t) => ({ name: t.name ?? null, run: t.run, expect: t.expect })),
  };
}

/** Checks on the effective policy (they need the whole chain merged). */
export function checkEffective(merged: Merged, exists: (abs: string) => boolean, chainFiles: readonly string[]): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const p = merged.policy;
  const o = (ptr: string): Span | undefined => merged.origins.get(ptr);
  // Of two conflicting values, blame the one written in the most derived file: that is
  // where the conflict was introduced and where the user can fix it.
  const rank = (s: Span | undefined) => (s ? chainFiles.indexOf(s.file) : Infinity);
  const blame = (a: Span | undefined, b: Span | undefined) => (rank(b) < rank(a) ? b : a ?? b);
  const mode = p.network?.mode ?? 'offline';
  if ((p.network?.allow?.length ?? 0) > 0 && mode !== 'fetch') {
    ds.push(diag('SF2013', { mode }, blame(o('/network/allow'), o('/network/mode'))));
  }
  const ws = p.filesystem?.workspace;
  if (ws !== undefined && ws.startsWith('/') && !exists(ws)) {
    ds.push(diag('SF3005', { path: ws }, o('/filesystem/workspace')));
  }
  // The same file listing a path as both read-only and writable is a contradiction.
  const read = p.filesystem?.read ?? [];
  const write = p.filesystem?.write ?? [];
  read.forEach((r, i) => {
    const j = write.indexOf(r);
    if (j < 0) return;
    const rs = o(`/filesystem/read/${i}`);
    const wsp = o(`/filesystem/write/${j}`);
    if (rs && wsp && rs.file === wsp.file) ds.push(diag('SF3006', { path: r }, rs));
  });
  return ds;
}
