import { readlinkSync } from 'node:fs';
import { AT_FDCWD, O_DIRECTORY, O_NOFOLLOW, O_PATH, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, closeFd, openat, openat2 } from './openat2.js';
import { outcomeOfErrno, unencodable, type Mode } from './outcome.js';
import type { Resolution } from './resolve-path.js';

/**
 * The kernel's answer to the resolver's question: openat2(root, path, O_PATH) with
 * RESOLVE_BENEATH or RESOLVE_IN_ROOT, and RESOLVE_NO_MAGICLINKS; the errno mapped by the
 * one table of outcome.ts; the resolved path read back from /proc/self/fd/N. This is the
 * oracle of the property tests and the "openat2" column of the benchmark. It never decides
 * anything itself: open-in-root.ts is the use-time path.
 */
export interface KernelRoot {
  fd: number;
  /** The root's absolute path as the kernel names it (readlink of /proc/self/fd/N). */
  path: string;
  close(): void;
}

export function openKernelRoot(path: string): KernelRoot {
  const r = openat(AT_FDCWD, path, O_PATH | O_DIRECTORY);
  if ('errno' in r) throw new Error(`cannot open root ${path}: ${r.errno}`);
  const fd = r.fd;
  return { fd, path: readlinkSync(`/proc/self/fd/${fd}`), close: () => closeFd(fd) };
}

export const RESOLVE_FLAGS: Record<Mode, number> = {
  beneath: RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
  'in-root': RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
};

/**
 * Scoped lookups return EAGAIN when a rename or mount raced with a `..` (fs/namei.c:
 * handle_dots checks mount_lock and rename_lock); openat2(2) says to retry.
 */
const EAGAIN_RETRIES = 64;

/** `abs` relative to `root`, compared by whole components; null when it is not below it. */
export function relativeTo(root: string, abs: string): string | null {
  if (abs === root) return '.';
  const prefix = root === '/' ? '/' : root + '/';
  return abs.startsWith(prefix) ? abs.slice(prefix.length) : null;
}

export function kernelResolve(root: KernelRoot, path: string, mode: Mode, follow = true): Resolution {
  // A NUL byte or lone surrogate cannot reach the kernel intact: the same answer as the resolver.
  if (unencodable(path) !== null) return { outcome: 'invalid', resolved: null };
  const how = { flags: O_PATH | (follow ? 0 : O_NOFOLLOW), mode: 0, resolve: RESOLVE_FLAGS[mode] };
  for (let i = 0; ; i++) {
    const r = openat2(root.fd, path, how);
    if ('fd' in r) {
      try {
        const rel = relativeTo(root.path, readlinkSync(`/proc/self/fd/${r.fd}`));
        // The kernel's own complete_walk guarantees this; a null here is a kernel bug.
        if (rel === null) throw new Error(`openat2 returned a file outside the root for ${JSON.stringify(path)}`);
        return { outcome: 'ok', resolved: rel };
      } finally {
        closeFd(r.fd);
      }
    }
    if (r.errno === 'EAGAIN' && i < EAGAIN_RETRIES) continue;
    return { outcome: outcomeOfErrno(r.errno, path), resolved: null };
  }
}
