/**
 * What resolving a path below a root can end in, and the one table that maps the kernel's
 * answer (an errno of openat2(2)) to it. The resolver (resolve-path.ts), the use-time open
 * (open-in-root.ts) and the kernel oracle of the property tests all go through this table,
 * so "our outcome equals the kernel's" means one thing everywhere (docs/paths.md#outcomes).
 */
export type Mode = 'beneath' | 'in-root';

export type Outcome = 'ok' | 'escape' | 'loop' | 'missing' | 'notdir' | 'invalid';

export const OUTCOMES: readonly Outcome[] = ['ok', 'escape', 'loop', 'missing', 'notdir', 'invalid'];

/**
 * errno of openat2(2) -> outcome.
 * - EXDEV: RESOLVE_BENEATH refused an absolute path, an absolute symlink or a `..` at the
 *   root (fs/namei.c: nd_jump_root, follow_dotdot); also the final path_is_under check of
 *   complete_walk.
 * - ELOOP: more than 40 symlinks (MAXSYMLINKS, fs/namei.c: reserve_stack), and also a
 *   /proc magic link under RESOLVE_NO_MAGICLINKS (nd_jump_link returns -ELOOP). The errno
 *   cannot tell the two apart, so a magic link is `loop` too: refused either way.
 * - ENOENT: a missing component or dangling symlink; also the empty path (getname).
 * - ENOTDIR: a non-directory followed by more components, or by a trailing slash.
 * - ENAMETOOLONG: a path of 4096 bytes or more (PATH_MAX), or a component over 255 (NAME_MAX)
 *   when the file system looks it up; EINVAL: never produced by a path, only by bad flags.
 * Any other errno (EACCES, EIO, ENOMEM...) is not an answer about the path: it is an error.
 */
export const ERRNO_OUTCOME: Readonly<Record<string, Exclude<Outcome, 'ok'>>> = {
  EXDEV: 'escape',
  ELOOP: 'loop',
  ENOENT: 'missing',
  ENOTDIR: 'notdir',
  ENAMETOOLONG: 'invalid',
  EINVAL: 'invalid',
};

/** A system error that says nothing about the path (permission, I/O): never turned into an outcome. */
export class PathSystemError extends Error {
  constructor(readonly code: string, readonly path: string) {
    super(`${code} while resolving ${JSON.stringify(path)}`);
  }
}

export function outcomeOfErrno(code: string, path: string): Exclude<Outcome, 'ok'> {
  const o = ERRNO_OUTCOME[code];
  if (o === undefined) throw new PathSystemError(code, path);
  return o;
}

/** PATH_MAX of include/uapi/linux/limits.h: the kernel copies at most 4095 bytes plus the NUL. */
export const PATH_MAX = 4096;
/** MAXSYMLINKS of include/linux/namei.h: symlinks followed in one lookup, nested or not. */
export const MAX_SYMLINKS = 40;

/**
 * Why a JavaScript string cannot be handed to the kernel as a path: a NUL byte would cut it
 * short and a lone surrogate has no UTF-8 encoding (Node would silently substitute U+FFFD and
 * look up another name). Null when the string is a path the kernel can be asked about.
 */
export function unencodable(path: string): string | null {
  if (path.includes('\0')) return 'contains a NUL byte';
  if (!isWellFormed(path)) return 'contains a lone UTF-16 surrogate';
  return null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(s: string): boolean {
  // String.prototype.isWellFormed is in Node 20 (V8 11.3) but not in the ES2022 lib typings.
  const native = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(s) : !LONE_SURROGATE.test(s);
}
