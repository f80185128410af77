/**
 * Glob patterns of `filesystem.deny` (docs/paths.md#globs), matched by whole path components.
 *
 * - The pattern is split at `/`; each part matches one component, except `**` (alone in its
 *   part), which matches zero or more components.
 * - Within a component: `*` is any run of characters (dot files included: a mask must not
 *   miss `.env`), `?` one character, `[abc]` / `[a-z]` / `[!a]` (or `[^a]`) one character of
 *   a class, `{x,y}` one of the alternatives (no `/` inside), `\c` the character c itself.
 * - Anchoring: `/…` is absolute, `~/…` starts at the home directory; any other pattern
 *   (`**\/.env`, `*.pem`, `secrets/*.key`) may start at any depth, as if written `**\/…`.
 * - A path is masked when the pattern matches the path or one of its ancestors: masking a
 *   directory hides everything below it. `dir/**` matches what is below dir, not dir itself.
 *
 * Pure string matching: no file system access, no `.`/`..` handling (the paths given are
 * resolved already; a `.` or `..` in a pattern only ever matches a component of that name).
 */
export interface Glob {
  /** 'root': anchored at `/`; 'home': at the home directory; 'any': at any depth. */
  anchor: 'root' | 'home' | 'any';
  parts: GlobPart[];
}

export type GlobPart = { kind: 'any-depth' } | { kind: 'literal'; text: string } | { kind: 'pattern'; re: RegExp };

export function hasGlobSyntax(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

/** One component pattern as a RegExp over one component. */
function componentRegExp(part: string): RegExp {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '\\' && i + 1 < part.length) {
      re += escapeRe(part[++i]!);
    } else if (c === '*') {
      re += '.*';
      while (part[i + 1] === '*') i++;
    } else if (c === '?') re += '.';
    else if (c === '[') {
      const end = classEnd(part, i);
      if (end < 0) re += '\\[';
      else {
        let body = part.slice(i + 1, end);
        let neg = false;
        if (body[0] === '!' || body[0] === '^') {
          neg = true;
          body = body.slice(1);
        }
        re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = braceEnd(part, i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${splitAlternatives(part.slice(i + 1, end)).map((a) => componentRegExp(a).source.slice(1, -1)).join('|')})`;
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Index of the `]` closing a class opened at i (a `]` right after `[` or `[!` is literal). */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '!' || s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) if (s[j] === ']') return j;
  return -1;
}

function braceEnd(s: string, i: number): number {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function splitAlternatives(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '{') depth++;
    else if (s[j] === '}') depth--;
    else if (s[j] === ',' && depth === 0) {
      out.push(s.slice(start, j));
      start = j + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

export function compileGlob(pattern: string): Glob {
  let anchor: Glob['anchor'] = 'any';
  let rest = pattern;
  if (rest.startsWith('/')) {
    anchor = 'root';
    rest = rest.slice(1);
  } else if (rest === '~' || rest.startsWith('~/')) {
    anchor = 'home';
    rest = rest.slice(2);
  }
  const parts: GlobPart[] = [];
  for (const p of rest.split('/')) {
    if (p === '') continue;
    if (p === '**') {
      if (parts[parts.length - 1]?.kind !== 'any-depth') parts.push({ kind: 'any-depth' });
    } else if (hasGlobSyntax(p) || p.includes('\\')) parts.push({ kind: 'pattern', re: componentRegExp(p) });
    else parts.push({ kind: 'literal', text: p });
  }
  // A trailing `**` after something matches one or more components: `dir/**` is what is
  // below dir, not dir itself (as in .gitignore).
  if (parts.length > 1 && parts[parts.length - 1]!.kind === 'any-depth') parts.splice(parts.length - 1, 0, { kind: 'pattern', re: /^.+$/s });
  if (anchor === 'any' && parts[0]?.kind !== 'any-depth') parts.unshift({ kind: 'any-depth' });
  return { anchor, parts };
}

function partMatches(p: GlobPart, c: string): boolean {
  return p.kind === 'literal' ? p.text === c : p.kind === 'pattern' ? p.re.test(c) : true;
}

/** Does `parts` match exactly the components comps[from..]? (memoised backtracking over `**`). */
function matchFrom(parts: readonly GlobPart[], comps: readonly string[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (comps.length + 1) + j;
    const m = memo.get(key);
    if (m !== undefined) return m;
    let r: boolean;
    if (i === parts.length) r = j === comps.length;
    else if (parts[i]!.kind === 'any-depth') r = go(i + 1, j) || (j < comps.length && go(i, j + 1));
    else r = j < comps.length && partMatches(parts[i]!, comps[j]!) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Components of an absolute path: `/a/b` -> ['a', 'b']; `/` -> []. */
export function components(abs: string): string[] {
  return abs.split('/').filter((c) => c !== '');
}

/**
 * Does the glob match the absolute path `abs` itself? `home` is the home directory's
 * components (for `~/` patterns); null when unknown, in which case `~/` patterns match nothing.
 */
export function globMatches(g: Glob, abs: string, home: readonly string[] | null): boolean {
  const comps = components(abs);
  if (g.anchor === 'home') {
    if (home === null || comps.length < home.length || !home.every((h, i) => comps[i] === h)) return false;
    return matchFrom(g.parts, comps.slice(home.length));
  }
  return matchFrom(g.parts, comps);
}

/** Does the glob match `abs` or one of its ancestors (a mask on a directory hides what is below)? */
export function globCovers(g: Glob, abs: string, home: readonly string[] | null): { matched: string } | null {
  const comps = components(abs);
  for (let n = 0; n <= comps.length; n++) {
    const p = '/' + comps.slice(0, n).join('/');
    if (globMatches(g, p, home)) return { matched: p };
  }
  return null;
}
