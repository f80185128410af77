/**
 * The written forms of a host path in a policy (docs/policy.md#paths). One definition, used
 * by validation, by resolution (which places relative paths next to their file) and by
 * lowering (which marks deny globs for expansion at apply time).
 */

/** Has glob characters: allowed only in filesystem.deny, expanded at apply time. */
export function isGlob(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

/** Relative to the file that writes it: `.`, `..`, `./x`, `../x`. */
export function isRelativePath(p: string): boolean {
  return p === '.' || p === '..' || p.startsWith('./') || p.startsWith('../');
}

/** Absolute, or the home directory (`~`, `~/x`, expanded at apply time). */
export function isAbsoluteOrHome(p: string): boolean {
  return p.startsWith('/') || p === '~' || p.startsWith('~/');
}
