import type { Diagnostic, Span } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import type { PolicyIR } from '../ir/policy-ir.js';
import { cleanPath } from '../3-resolve/host-path.js';

/**
 * The mount plan: an ordered list of operations on an empty root, in the order a runner
 * applies them (bubblewrap applies its arguments in order). Read-only binds first, then
 * writable binds and the workspace, then private mounts, then masks, so that a deny entry
 * always wins over a read or write grant that covers it.
 *
 * Paths starting with `~/` and globs in masks are expanded by the runtime at apply time,
 * against the invoking user's home and the bound trees.
 */
export type MountOp =
  | { op: 'ro-bind'; source: string; target: string }
  | { op: 'bind'; source: string; target: string }
  | { op: 'tmpfs'; target: string; sizeBytes: number | null }
  | { op: 'proc'; target: '/proc' }
  | { op: 'dev'; target: '/dev' }
  | { op: 'mask'; path: string; glob: boolean };

export interface MountPlan {
  format: 'sandforge-mounts/1';
  ops: MountOp[];
  /** Working directory inside: the workspace, or / when there is none. */
  cwd: string;
}

export interface Lowered<T> {
  value: T;
  /** For each item (by JSON pointer into value) the policy pointer it comes from. */
  origins: Record<string, string>;
  diagnostics: Diagnostic[];
}

const SYSTEM_DIRS = ['/', '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/root', '/run', '/sbin', '/sys', '/usr', '/var', '/home', '~'];

export function isGlob(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

export function lowerMounts(ir: PolicyIR, span: (ptr: string) => Span | undefined): Lowered<MountPlan> {
  const ds: Diagnostic[] = [];
  const ops: MountOp[] = [];
  const origins: Record<string, string> = {};
  const push = (op: MountOp, origin: string) => {
    origins[`/ops/${ops.length}`] = origin;
    ops.push(op);
  };
  const fs = ir.filesystem;
  fs.read.forEach((p, i) => push({ op: 'ro-bind', source: p, target: p }, `/filesystem/read/${i}`));
  if (fs.workspace !== null) {
    const ws = cleanPath(fs.workspace);
    if (SYSTEM_DIRS.includes(ws) || ws === '~/') {
      ds.push(diag('SF4003', { path: fs.workspace, what: ws === '/' ? 'the whole host' : ws.startsWith('~') ? 'the home directory' : `the system directory ${ws}` }, span('/filesystem/workspace')));
    }
    push({ op: 'bind', source: fs.workspace, target: fs.workspace }, '/filesystem/workspace');
  }
  fs.write.forEach((p, i) => push({ op: 'bind', source: p, target: p }, `/filesystem/write/${i}`));
  fs.tmpfs.forEach((p, i) => {
    if (!p.startsWith('/')) ds.push(diag('SF4002', { found: p }, span(`/filesystem/tmpfs/${i}`)));
    push({ op: 'tmpfs', target: p, sizeBytes: ir.resources.diskBytes }, `/filesystem/tmpfs/${i}`);
  });
  push({ op: 'proc', target: '/proc' }, '');
  push({ op: 'dev', target: '/dev' }, '');
  fs.deny.forEach((p, i) => push({ op: 'mask', path: p, glob: isGlob(p) }, `/filesystem/deny/${i}`));
  return { value: { format: 'sandforge-mounts/1', ops, cwd: fs.workspace ?? '/' }, origins, diagnostics: ds };
}
