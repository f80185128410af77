import { lstatSync, readlinkSync, statfsSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { MAX_SYMLINKS, PATH_MAX, outcomeOfErrno, unencodable, type Mode, type Outcome } from './outcome.js';
import { lstatEntry, lstatEntryAvailable, type EntryInfo } from './openat2.js';

/**
 * The path resolver: resolves a path below a root directory with the semantics of Linux
 * openat2(2) under RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (mode `beneath`) or
 * RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (mode `in-root`), walking one component at a time
 * with lstat and readlink. It never lets a library or the kernel interpret `..` or a
 * symlink for it: Node's path.resolve and the JS fs.realpathSync collapse `..` before
 * following symlinks, which is not what the kernel does (`link/..` is the parent of the
 * link's target, not the directory holding the link).
 *
 * This is the check-time answer (what a path names now). A decision made on it is applied
 * through open-in-root.ts, which resolves and opens in one kernel step, so that a symlink
 * swapped in after the check cannot take the open outside the root.
 *
 * The walk follows fs/namei.c (link_path_walk, walk_component, step_into, pick_link,
 * handle_dots, lookup_last):
 * - components are taken left to right; a symlink met before the last component, or as the
 *   last one when following, is replaced by its target's components (nested links the same
 *   way), counting at most 40 links in the whole lookup (MAXSYMLINKS) -> `loop`;
 * - `..` moves to the parent of the directory reached so far (the real one, after
 *   symlinks); at the root it is refused (`beneath`, EXDEV) or stays (`in-root`);
 * - an absolute path or symlink target is refused (`beneath`) or starts again at the root
 *   (`in-root`);
 * - a component other than the last must be a directory (`notdir`); a trailing slash makes
 *   the last component follow a symlink and be a directory (and stays in force for the
 *   components of the symlinks it follows, as LOOKUP_DIRECTORY does);
 * - /proc magic links (fd/N, cwd, root, exe, ns/*, map_files/* of a process) are refused
 *   (`loop`: RESOLVE_NO_MAGICLINKS makes nd_jump_link return ELOOP).
 */
export interface Resolution {
  outcome: Outcome;
  /** Relative to the root, without `.`/`..`/symlinks (`.` for the root itself); only when ok. */
  resolved: string | null;
}

export interface ResolveOptions {
  /** Follow a symlink in the last component (default true, as open(2) without O_NOFOLLOW). */
  follow?: boolean;
}

/** A root directory to resolve below: its real absolute host path, symlink-free. */
export interface Root {
  readonly path: string;
}

/** procfs's f_type (include/uapi/linux/magic.h: PROC_SUPER_MAGIC). */
const PROC_SUPER_MAGIC = 0x9fa0;
/** The inode number of a procfs mount's root directory (fs/proc/root.c: PROC_ROOT_INO). */
const PROC_ROOT_INO = 1;

type Lookup = EntryInfo | string;

const NO_THROW = { throwIfNoEntry: false } as const;

/** Through Node's fs, where statx through koffi is not available (same answers, slower). */
function lookupNode(host: string, bytes: boolean): Lookup {
  try {
    const st = lstatSync(bytes ? Buffer.from(host, 'latin1') : host, NO_THROW);
    if (!st) return 'ENOENT';
    return { kind: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'other', dev: st.dev, ino: st.ino };
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

let fast: boolean | null = null;

/**
 * Which lstat the walk uses: statx through koffi (default where it loads) or Node's
 * fs.lstatSync (the fallback). Both give the same answers; tests run the fixtures on both.
 */
export function lookupEngine(set?: 'statx' | 'node'): 'statx' | 'node' {
  if (set !== undefined) fast = set === 'statx' && lstatEntryAvailable();
  return (fast ??= lstatEntryAvailable()) ? 'statx' : 'node';
}

/** lstat one host path: its type, device and inode, or the errno code. */
function lookup(host: string, bytes: boolean): Lookup {
  if (fast ??= lstatEntryAvailable()) return lstatEntry(Buffer.from(host + '\0', bytes ? 'latin1' : 'utf8'));
  return lookupNode(host, bytes);
}

/**
 * The link's target; null when it is not UTF-8 (the walk is then redone on bytes); an errno
 * code when the link changed between lstat and readlink (EINVAL: no longer a symlink; ENOENT).
 */
function readTarget(host: string, bytes: boolean): string | null | { errno: string } {
  try {
    if (bytes) return readlinkSync(Buffer.from(host, 'latin1'), { encoding: 'latin1' });
    const s = readlinkSync(host);
    // Node decodes invalid UTF-8 as U+FFFD; only then is the raw target worth a second look.
    if (s.includes('\uFFFD') && !isUtf8(readlinkSync(host, { encoding: 'buffer' }))) return null;
    return s;
  } catch (e) {
    return { errno: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
}

/** Lookups of one walk redone because a component changed under it (lstat then readlink). */
const MAX_RETRIES = 64;

class Restart extends Error {}

/**
 * Is the symlink at `host` (a procfs symlink, in a directory on the same procfs) a magic
 * link? Magic links are exactly the per-process entries (fs/proc/base.c, fd.c,
 * namespaces.c): everything below a /proc/<pid> directory of that procfs. The ordinary
 * procfs symlinks (self, thread-self, mounts, net, fs/xfs/stat...) lie outside them.
 */
function isMagicLink(host: string, dev: number, bytes: boolean, procDevs: Map<number, boolean>): boolean {
  let proc = procDevs.get(dev);
  if (proc === undefined) {
    const parent = host.slice(0, host.lastIndexOf('/')) || '/';
    try {
      proc = statfsSync(bytes ? Buffer.from(parent, 'latin1') : parent).type === PROC_SUPER_MAGIC;
    } catch {
      proc = false;
    }
    procDevs.set(dev, proc);
  }
  if (!proc) return false;
  // Find the procfs mount root among the link's ancestors: the same device, inode 1.
  const parts = host.split('/');
  for (let i = parts.length - 2; i >= 1; i--) {
    const dir = parts.slice(0, i + 1).join('/') || '/';
    const st = lookup(dir, bytes);
    if (typeof st === 'string' || st.dev !== dev) return false;
    if (st.ino === PROC_ROOT_INO) {
      const below = parts.slice(i + 1);
      return below.length >= 2 && /^[0-9]+$/.test(below[0]!);
    }
  }
  return false;
}

function fail(outcome: Outcome): Resolution {
  return { outcome, resolved: null };
}

/** Components of a path, last first (the order they are popped in); empty ones dropped. */
function pushComponents(todo: string[], path: string): void {
  const parts = path.split('/');
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i] !== '') todo.push(parts[i]!);
}

function walk(rootPath: string, path: string, mode: Mode, followFinal: boolean, bytes: boolean): Resolution {
  const beneath = mode === 'beneath';
  // The host path of the directory reached so far; '' stands for '/' so that a child is base + '/' + name.
  const base = rootPath === '/' ? '' : rootPath;
  let cur = base;
  const names: string[] = [];
  const todo: string[] = [];
  if (path.charCodeAt(0) === 47 && beneath) return fail('escape'); // path_init -> nd_jump_root: EXDEV
  pushComponents(todo, path);
  let follow = followFinal;
  let mustDir = false;
  // lookup_last: a last component followed by '/' sets LOOKUP_FOLLOW | LOOKUP_DIRECTORY.
  if (path.charCodeAt(path.length - 1) === 47 && todo.length > 0) follow = mustDir = true;
  let links = 0;
  let retries = 0;
  let procDevs: Map<number, boolean> | null = null;
  while (todo.length > 0) {
    const name = todo.pop()!;
    const last = todo.length === 0;
    if (name === '.') continue;
    if (name === '..') {
      if (names.length === 0) {
        if (beneath) return fail('escape'); // follow_dotdot: path_equal(root) -> EXDEV
        continue; // RESOLVE_IN_ROOT: `..` at the root stays there
      }
      names.pop();
      cur = cur.slice(0, cur.lastIndexOf('/'));
      continue;
    }
    const host = cur + '/' + name;
    const st = lookup(host, bytes);
    if (typeof st === 'string') return fail(outcomeOfErrno(st, path));
    if (st.kind === 'link' && (!last || follow)) {
      if (links >= MAX_SYMLINKS) return fail('loop');
      links++;
      if (isMagicLink(host, st.dev, bytes, (procDevs ??= new Map()))) return fail('loop');
      const target = readTarget(host, bytes);
      if (target === null) throw new Restart();
      if (typeof target !== 'string') {
        // The entry was replaced between lstat and readlink: look it up again (a concurrent
        // change; the kernel's lookup sees one state or the other, and so do we).
        if (target.errno !== 'EINVAL' || ++retries > MAX_RETRIES) return fail(outcomeOfErrno(target.errno === 'EINVAL' ? 'EAGAIN' : target.errno, path));
        links--;
        todo.push(name);
        continue;
      }
      if (target.charCodeAt(0) === 47) {
        if (beneath) return fail('escape'); // pick_link -> nd_jump_root: EXDEV
        names.length = 0;
        cur = base;
      }
      const before = todo.length;
      pushComponents(todo, target);
      // The target of a followed last component is walked as the new last part: its own
      // trailing slash counts like one in the path (lookup_last sees nd->last.name[len]).
      if (last && todo.length > before && target.charCodeAt(target.length - 1) === 47) follow = mustDir = true;
      continue;
    }
    if (st.kind !== 'dir' && (!last || mustDir)) return fail('notdir');
    names.push(name);
    cur = host;
  }
  return { outcome: 'ok', resolved: names.length === 0 ? '.' : names.join('/') };
}

function toBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

function fromBytes(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/**
 * Resolve `path` below `root`. Never throws for anything about the path itself; throws
 * PathSystemError for an error that is not an answer (EACCES on a directory the caller may
 * not search, EIO).
 */
export function resolveBelow(root: Root, path: string, mode: Mode, options: ResolveOptions = {}): Resolution {
  if (path === '') return fail('missing'); // getname: an empty path is ENOENT (POSIX: never resolves)
  if (unencodable(path) !== null) return fail('invalid');
  // getname: ENAMETOOLONG. A UTF-16 unit is at most 3 UTF-8 bytes, so short strings need no count.
  if (path.length * 3 >= PATH_MAX && Buffer.byteLength(path, 'utf8') >= PATH_MAX) return fail('invalid');
  const follow = options.follow ?? true;
  try {
    return walk(root.path, path, mode, follow, false);
  } catch (e) {
    if (!(e instanceof Restart)) throw e;
  }
  // A symlink target that is not UTF-8 cannot be held in a JS string without loss: walk again
  // on bytes (latin1 strings, one char per byte). `resolved` is then decoded for display.
  const r = walk(toBytes(root.path), toBytes(path), mode, follow, true);
  return r.resolved === null ? r : { outcome: r.outcome, resolved: fromBytes(r.resolved) };
}

export class RootError extends Error {
  constructor(readonly root: string, readonly outcome: Outcome | 'not-a-directory') {
    super(outcome === 'not-a-directory' ? `${root} is not a directory` : `${root} cannot be resolved (${outcome})`);
  }
}

/**
 * The root to resolve below, from a path the operator gave (absolute, or relative to cwd).
 * The root itself is trusted: it is resolved like any path on the host (symlinks followed,
 * `..` after them right), with this resolver in `in-root` mode at `/`.
 */
export function openRoot(root: string, cwd: string = process.cwd()): Root {
  const abs = root.startsWith('/') ? root : `${cwd}/${root}`;
  const r = resolveBelow({ path: '/' }, abs, 'in-root');
  if (r.outcome !== 'ok' || r.resolved === null) throw new RootError(root, r.outcome);
  const path = r.resolved === '.' ? '/' : '/' + r.resolved;
  const st = lookup(path, false);
  if (typeof st === 'string' || st.kind !== 'dir') throw new RootError(root, 'not-a-directory');
  return { path };
}
