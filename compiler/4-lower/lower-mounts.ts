import type { Diagnostic, Span } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import type { PolicyIR } from '../ir/policy-ir.js';
import { cleanPath, lexicalPath } from '../3-resolve/host-path.js';
import { isGlob } from '../2-validate/path-forms.js';

/**
 * The mount plan: an ordered list of operations on an empty root, in the order a runner
 * applies them (bubblewrap applies its arguments in order, and a later mount hides what is
 * below it). Binds, tmpfs, /proc and /dev are ordered parents before children (by number
 * of path components, then in policy order: read, workspace, write, tmpfs), so that a
 * read-only `./.git` inside the workspace is mounted after, i.e. on top of, the workspace,
 * and a workspace below /tmp on top of the /tmp tmpfs. Masks come last, so that a deny
 * entry always wins over a read or write grant that covers it.
 *
 * Paths starting with `~/` are ordered as if ~ were /home/USER (two components); the
 * runtime expands them and the deny globs at apply time and re-applies the same ordering.
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

/** Number of path components, counting ~ as two (/home/USER). */
export function mountDepth(p: string): number {
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  return parts[0] === '~' ? parts.length + 1 : parts.length;
}

/** Below this a tmpfs is useless; 0 would mean unlimited (tmpfs(5)). */
export const MIN_DISK = 1024 * 1024;

export function lowerMounts(ir: PolicyIR, span: (ptr: string) => Span | undefined): Lowered<MountPlan> {
  const ds: Diagnostic[] = [];
  const fs = ir.filesystem;
  const staged: { op: MountOp; origin: string; depth: number }[] = [];
  const stage = (op: MountOp, origin: string, path: string) => staged.push({ op, origin, depth: mountDepth(path) });
  fs.read.forEach((p, i) => stage({ op: 'ro-bind', source: p, target: p }, `/filesystem/read/${i}`, p));
  if (fs.workspace !== null) {
    // Checked on the path as written and with `..` collapsed: `../..` must not reach /.
    // The runtime checks again on the kernel-resolved path before binding it.
    for (const form of new Set([cleanPath(fs.workspace), lexicalPath(fs.workspace) || '/'])) {
      if (SYSTEM_DIRS.includes(form) || form === '~/') {
        const what = form === '/' ? 'the whole host' : form.startsWith('~') ? 'the home directory' : `the system directory ${form}`;
        ds.push(diag('SF4003', { path: fs.workspace, what }, span('/filesystem/workspace')));
        break;
      }
    }
    stage({ op: 'bind', source: fs.workspace, target: fs.workspace }, '/filesystem/workspace', fs.workspace);
  }
  fs.write.forEach((p, i) => stage({ op: 'bind', source: p, target: p }, `/filesystem/write/${i}`, p));
  if (ir.resources.diskBytes !== null && ir.resources.diskBytes < MIN_DISK) {
    ds.push(diag('SF4004', { found: ir.resources.diskBytes, limit: MIN_DISK }, span('/resources/disk')));
  }
  fs.tmpfs.forEach((p, i) => {
    if (!p.startsWith('/')) ds.push(diag('SF4002', { found: p }, span(`/filesystem/tmpfs/${i}`)));
    stage({ op: 'tmpfs', target: p, sizeBytes: ir.resources.diskBytes }, `/filesystem/tmpfs/${i}`, p);
  });
  stage({ op: 'proc', target: '/proc' }, '', '/proc');
  stage({ op: 'dev', target: '/dev' }, '', '/dev');
  // Array.prototype.sort is stable: equal depths keep policy order.
  staged.sort((a, b) => a.depth - b.depth);
  fs.deny.forEach((p, i) => staged.push({ op: { op: 'mask', path: p, glob: isGlob(p) }, origin: `/filesystem/deny/${i}`, depth: Infinity }));
  const ops: MountOp[] = [];
  const origins: Record<string, string> = {};
  for (const s of staged) {
    if (s.origin) origins[`/ops/${ops.length}`] = s.origin;
    ops.push(s.op);
  }
  return { value: { format: 'sandforge-mounts/1', ops, cwd: fs.workspace ?? '/' }, origins, diagnostics: ds };
}
