import type { PolicyIR } from '../ir/policy-ir.js';
import { compileGlob, components, globCovers, hasGlobSyntax } from './glob.js';

/**
 * Filesystem decisions (docs/paths.md#decisions): would the sandbox built from this policy
 * let a process `read`, `write`, `create`, `delete` or `exec` this path, and which entry of
 * the policy decided? Pure: the path must already be resolved (absolute, no `.`/`..`/symlinks;
 * runtime/paths/resolve-path.ts does that on the host), and `~` is expanded here with the
 * home directory given, i.e. at apply time, never at compile time.
 *
 * The answer follows the mount plan of compiler/4-lower/lower-mounts.ts, which is what the
 * sandbox enforces:
 * 1. deny wins: a filesystem.deny path or glob that matches the path or one of its
 *    ancestors masks it, for every operation;
 * 2. otherwise the innermost mount decides: grants are mounted parents first (read,
 *    workspace, write, tmpfs, then /proc and /dev, stable by depth), so the last one in
 *    that order that covers the path is what the process sees there;
 * 3. read and exec need any grant; write needs a writable one (workspace, write, tmpfs);
 *    create and delete change the parent directory, so they need a writable grant on the
 *    parent, and a grant's own mount point can be neither created nor removed;
 * 4. nothing covers the path: denied by default.
 */
export type FsOp = 'read' | 'write' | 'create' | 'delete' | 'exec';
export const FS_OPS: readonly FsOp[] = ['read', 'write', 'create', 'delete', 'exec'];

export type RuleList = 'workspace' | 'read' | 'write' | 'tmpfs' | 'deny' | 'sandbox';

export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface DecidingRule {
  list: RuleList;
  /** Pointer into policy.json, e.g. /filesystem/read/2; null for the sandbox's own /proc and /dev. */
  pointer: string | null;
  /** The entry as written in the IR (`~/.ssh`, `**\/.env`, `/usr`). */
  entry: string;
  origin: SourceRef | null;
}

export interface Decision {
  allow: boolean;
  op: FsOp;
  path: string;
  /** The entry that decided; null when nothing covers the path (deny by default). */
  rule: DecidingRule | null;
  reason: string;
}

export interface DecideContext {
  /** The home directory `~` stands for (absolute); null when unknown: `~` entries then apply nowhere. */
  home: string | null;
  /** Where a policy.json pointer was written, if known (from the compiler's origins or sourcemap.json). */
  origin?: (pointer: string) => SourceRef | undefined;
}

interface Grant {
  list: RuleList;
  pointer: string | null;
  entry: string;
  target: string[];
  writable: boolean;
}

/** An absolute path with no empty, `.` or `..` component and no trailing slash (except `/`). */
export function isResolvedAbsolute(p: string): boolean {
  if (!p.startsWith('/')) return false;
  if (p === '/') return true;
  return p.slice(1).split('/').every((c) => c !== '' && c !== '.' && c !== '..');
}

function expandHome(entry: string, home: string | null): string | null {
  if (entry === '~') return home;
  if (entry.startsWith('~/')) return home === null ? null : (home === '/' ? '' : home) + entry.slice(1);
  return entry;
}

function startsWithComps(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((c, i) => path[i] === c);
}

/** The grants in mount order (lower-mounts.ts: staged read, workspace, write, tmpfs, proc, dev; stable by depth). */
function grants(fs: PolicyIR['filesystem'], home: string | null): Grant[] {
  const staged: Grant[] = [];
  const add = (list: RuleList, pointer: string | null, entry: string, writable: boolean) => {
    const abs = expandHome(entry, home);
    if (abs !== null) staged.push({ list, pointer, entry, target: components(abs), writable });
  };
  fs.read.forEach((p, i) => add('read', `/filesystem/read/${i}`, p, false));
  if (fs.workspace !== null) add('workspace', '/filesystem/workspace', fs.workspace, true);
  fs.write.forEach((p, i) => add('write', `/filesystem/write/${i}`, p, true));
  fs.tmpfs.forEach((p, i) => add('tmpfs', `/filesystem/tmpfs/${i}`, p, true));
  add('sandbox', null, '/proc', true);
  add('sandbox', null, '/dev', true);
  return staged.map((g, i) => [g, i] as const).sort((a, b) => a[0].target.length - b[0].target.length || a[1] - b[1]).map(([g]) => g);
}

/** The innermost grant covering the path: the last one in mount order. */
function innermost(gs: readonly Grant[], comps: readonly string[]): Grant | null {
  let top: Grant | null = null;
  for (const g of gs) if (startsWithComps(comps, g.target)) top = g;
  return top;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function describe(list: RuleList, entry: string): string {
  if (list === 'sandbox') return `the sandbox's own ${entry}`;
  if (list === 'workspace') return `the workspace ${quote(entry)}`;
  return `filesystem.${list} ${quote(entry)}`;
}

export function decide(fs: PolicyIR['filesystem'], path: string, op: FsOp, ctx: DecideContext): Decision {
  const rule = (list: RuleList, pointer: string | null, entry: string): DecidingRule => ({
    list,
    pointer,
    entry,
    origin: (pointer !== null && ctx.origin?.(pointer)) || null,
  });
  if (!isResolvedAbsolute(path)) {
    return { allow: false, op, path, rule: null, reason: 'not a resolved absolute path (resolve it first; `.`, `..` and empty components are not decided on)' };
  }
  const homeComps = ctx.home === null ? null : components(ctx.home);
  const comps = components(path);
  // 1. deny wins, for every operation.
  for (let i = 0; i < fs.deny.length; i++) {
    const d = fs.deny[i]!;
    let hit: string | null = null;
    if (hasGlobSyntax(d)) hit = globCovers(compileGlob(d), path, homeComps)?.matched ?? null;
    else {
      const abs = expandHome(d, ctx.home);
      if (abs !== null && startsWithComps(comps, components(abs))) hit = abs;
    }
    if (hit !== null) {
      const below = hit === path ? '' : ` (it masks ${hit}, which holds this path)`;
      return { allow: false, op, path, rule: rule('deny', `/filesystem/deny/${i}`, d), reason: `masked by filesystem.deny ${quote(d)}${below}: deny always wins` };
    }
  }
  const gs = grants(fs, ctx.home);
  const grantRule = (g: Grant) => rule(g.list, g.pointer, g.entry);
  // 3. create and delete change the parent directory; a mount point cannot be either.
  if (op === 'create' || op === 'delete') {
    if (comps.length === 0) return { allow: false, op, path, rule: null, reason: 'the root directory cannot be created or removed' };
    const mount = innermost(gs.filter((g) => g.target.length === comps.length), comps);
    if (mount) return { allow: false, op, path, rule: grantRule(mount), reason: `${path} is the mount point of ${describe(mount.list, mount.entry)}; it cannot be ${op === 'create' ? 'created' : 'removed'}` };
    const parent = innermost(gs, comps.slice(0, -1));
    if (!parent) return { allow: false, op, path, rule: null, reason: 'not granted: no workspace, read, write or tmpfs entry covers its directory (deny by default)' };
    if (!parent.writable) return { allow: false, op, path, rule: grantRule(parent), reason: `its directory is read-only: ${describe(parent.list, parent.entry)} is the innermost mount there` };
    return { allow: true, op, path, rule: grantRule(parent), reason: `its directory is writable through ${describe(parent.list, parent.entry)}` };
  }
  // 2. the innermost mount decides.
  const g = innermost(gs, comps);
  if (!g) return { allow: false, op, path, rule: null, reason: 'not granted: no workspace, read, write or tmpfs entry covers it (deny by default)' };
  if (op === 'write' && !g.writable) return { allow: false, op, path, rule: grantRule(g), reason: `read-only: ${describe(g.list, g.entry)} is the innermost mount here` };
  return { allow: true, op, path, rule: grantRule(g), reason: `${op === 'write' ? 'writable' : op === 'exec' ? 'executable (readable)' : 'readable'} through ${describe(g.list, g.entry)}` };
}
