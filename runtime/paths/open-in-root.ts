import { fstatSync, readlinkSync, type Stats } from 'node:fs';
import { AT_FDCWD, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_WRONLY, closeFd, openat, openat2, probeOpenat2, type SysResult } from './openat2.js';
import { RESOLVE_FLAGS, relativeTo } from './kernel-resolve.js';
import { ERRNO_OUTCOME, unencodable, type Mode, type Outcome } from './outcome.js';
import { resolveBelow } from './resolve-path.js';

/**
 * Use-time safety: open a path below a root so that nothing swapped in after a check can
 * take the open outside the root (docs/paths.md#use-time-opens).
 *
 * Primary engine, `openat2`: one openat2(2) call resolves and opens in a single kernel step
 * with RESOLVE_BENEATH or RESOLVE_IN_ROOT and RESOLVE_NO_MAGICLINKS, relative to an fd of the
 * root, and with O_NOFOLLOW: a symlink in the last component is refused (ELOOP) instead of
 * followed. The caller that wants a symlink's target resolves it first (resolve-path.ts) and
 * opens the resolved path; if the tree changed in between, the open fails closed.
 *
 * Fallback engine, `walk`, where openat2 is missing (Linux < 5.6, or filtered by a seccomp
 * profile: ENOSYS): the path is resolved with resolve-path.ts (same semantics), then opened one
 * component at a time with openat(2) relative to the previous directory's fd, with O_NOFOLLOW
 * at every step and O_DIRECTORY on every directory, so a symlink swapped in anywhere makes the
 * open fail; finally the opened file's path (/proc/self/fd/N) must still be below the root,
 * which catches a directory renamed out of the root during the walk.
 *
 * Both then check the opened object with fstat: writes need a regular file, reads a regular
 * file or a directory (never a FIFO or device, which can block or have effects on open:
 * O_NONBLOCK is used for that reason), and a regular file with more than one hard link is
 * refused for writing unless allowed: a hard link is not a path, so resolution cannot see that
 * the same inode is also reachable from outside the root.
 */
export type Access = 'read' | 'write' | 'create';

export interface OpenOptions {
  mode: Mode;
  access: Access;
  /** Allow writing a regular file that has other hard links (nlink > 1). Default false. */
  allowHardLinks?: boolean;
  /** Permission bits of a created file (default 0o644, before umask). */
  fileMode?: number;
  /** Force an engine; default: openat2 when the kernel has it, else walk. */
  engine?: 'openat2' | 'walk';
}

export type Refusal = Exclude<Outcome, 'ok'> | 'exists' | 'hardlink' | 'not-regular' | 'error';

export type Opened =
  | { ok: true; fd: number; stat: Stats; engine: 'openat2' | 'walk' }
  | { ok: false; refusal: Refusal; errno: string | null; engine: 'openat2' | 'walk' };

/** A root directory held open by fd; close() when done. */
export interface RootFd {
  fd: number;
  /** Its absolute path, as /proc/self/fd names it. */
  path: string;
  close(): void;
}

export function openRootFd(path: string): RootFd {
  const r = openat(AT_FDCWD, path, O_PATH | O_DIRECTORY);
  if ('errno' in r) throw new Error(`cannot open root ${path}: ${r.errno}`);
  const fd = r.fd;
  return { fd, path: readlinkSync(`/proc/self/fd/${fd}`), close: () => closeFd(fd) };
}

const O_NONBLOCK = 0o4000;
const EAGAIN_RETRIES = 64;

function accessFlags(access: Access): number {
  if (access === 'read') return O_RDONLY | O_NONBLOCK;
  if (access === 'write') return O_WRONLY | O_NONBLOCK;
  return O_WRONLY | O_CREAT | O_EXCL;
}

function refusalOf(errno: string): Refusal {
  if (errno === 'EEXIST') return 'exists';
  return ERRNO_OUTCOME[errno] ?? 'error';
}

/** fstat checks on the opened object; closes the fd when it is refused. */
function checkOpened(fd: number, options: OpenOptions, engine: 'openat2' | 'walk'): Opened {
  const st = fstatSync(fd);
  let refusal: Refusal | null = null;
  if (options.access === 'read') {
    if (!st.isFile() && !st.isDirectory()) refusal = 'not-regular';
  } else if (!st.isFile()) refusal = 'not-regular';
  else if (st.nlink > 1 && !options.allowHardLinks) refusal = 'hardlink';
  if (refusal !== null) {
    closeFd(fd);
    return { ok: false, refusal, errno: null, engine };
  }
  return { ok: true, fd, stat: st, engine };
}

function viaOpenat2(root: RootFd, path: string, options: OpenOptions): Opened {
  const how = { flags: accessFlags(options.access) | O_NOFOLLOW, mode: options.access === 'create' ? options.fileMode ?? 0o644 : 0, resolve: RESOLVE_FLAGS[options.mode] };
  for (let i = 0; ; i++) {
    const r = openat2(root.fd, path, how);
    if ('fd' in r) return checkOpened(r.fd, options, 'openat2');
    if (r.errno === 'EAGAIN' && i < EAGAIN_RETRIES) continue;
    return { ok: false, refusal: refusalOf(r.errno), errno: r.errno, engine: 'openat2' };
  }
}

function viaWalk(root: RootFd, path: string, options: OpenOptions): Opened {
  const fail = (refusal: Refusal, errno: string | null = null): Opened => ({ ok: false, refusal, errno, engine: 'walk' });
  const rootRef = { path: root.path };
  let comps: string[];
  let last: string | null;
  if (options.access === 'create') {
    // O_CREAT | O_EXCL: the directory must resolve; the last component must be a plain name.
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name === '' || name === '.' || name === '..') return fail('exists', 'EEXIST');
    if (slash === 0 && options.mode === 'beneath') return fail('escape', 'EXDEV');
    const dir = resolveBelow(rootRef, slash < 0 ? '.' : path.slice(0, slash) || '/', options.mode);
    if (dir.outcome !== 'ok') return fail(dir.outcome);
    comps = dir.resolved === '.' ? [] : dir.resolved!.split('/');
    last = name;
  } else {
    // The last component is not followed (O_NOFOLLOW), as in the openat2 engine.
    const r = resolveBelow(rootRef, path, options.mode, { follow: false });
    if (r.outcome !== 'ok') return fail(r.outcome);
    comps = r.resolved === '.' ? [] : r.resolved!.split('/');
    last = comps.pop() ?? null;
  }
  let dirfd = root.fd;
  const closeDir = () => {
    if (dirfd !== root.fd) closeFd(dirfd);
  };
  try {
    for (const c of comps) {
      const next: SysResult = openat(dirfd, c, O_PATH | O_NOFOLLOW | O_DIRECTORY);
      if ('errno' in next) return fail(refusalOf(next.errno), next.errno);
      closeDir();
      dirfd = next.fd;
    }
    const flags = accessFlags(options.access) | O_NOFOLLOW;
    const r = last === null ? openat(dirfd, '.', flags) : openat(dirfd, last, flags, options.access === 'create' ? options.fileMode ?? 0o644 : 0);
    if ('errno' in r) return fail(refusalOf(r.errno), r.errno);
    // A directory renamed out of the root while we walked would take us outside it.
    let where: string | null = null;
    try {
      where = relativeTo(root.path, readlinkSync(`/proc/self/fd/${r.fd}`));
    } catch {
      where = null;
    }
    if (where === null) {
      closeFd(r.fd);
      return fail('escape', 'EXDEV');
    }
    return checkOpened(r.fd, options, 'walk');
  } finally {
    closeDir();
  }
}

/** Open `path` below the root for `access`, safely against concurrent changes of the tree. */
export function openInRoot(root: RootFd, path: string, options: OpenOptions): Opened {
  const engine = options.engine ?? (probeOpenat2().ok ? 'openat2' : 'walk');
  if (unencodable(path) !== null) return { ok: false, refusal: 'invalid', errno: null, engine };
  return engine === 'openat2' ? viaOpenat2(root, path, options) : viaWalk(root, path, options);
}
