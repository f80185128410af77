/**
 * String operations on host paths named by a policy. These never decide access: they only
 * place relative policy paths next to the policy file. `..` is kept as written (no lexical
 * collapsing) so that the kernel, not string logic, resolves it at apply time.
 */
export function dirOf(abs: string): string {
  const i = abs.lastIndexOf('/');
  return i <= 0 ? '/' : abs.slice(0, i);
}

/** Join base and rel, dropping `.` components and repeated slashes; `..` stays. */
export function joinPath(base: string, rel: string): string {
  if (rel.startsWith('/')) return cleanPath(rel);
  return cleanPath(base + '/' + rel);
}

export function cleanPath(p: string): string {
  const abs = p.startsWith('/');
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  const out = (abs ? '/' : '') + parts.join('/');
  return out === '' ? '.' : out;
}

/** Lexical normal form, `..` collapsed. Never for granting access: only for naming and refusing. */
export function lexicalPath(p: string): string {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return (p.startsWith('/') ? '/' : '') + out.join('/');
}

/** Set an own property, also for keys such as `__proto__` that a plain assignment would not create. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Is `p` equal to `dir` or below it, comparing whole components (never a string prefix)? */
export function isWithin(p: string, dir: string): boolean {
  const a = cleanPath(p).split('/');
  const b = cleanPath(dir).split('/');
  if (a.includes('..') || b.includes('..')) return false;
  if (b.length === 2 && b[1] === '') return p.startsWith('/');
  if (a.length < b.length) return false;
  return b.every((s, i) => a[i] === s);
}
