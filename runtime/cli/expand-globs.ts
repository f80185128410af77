import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Translate one glob component or path to a RegExp: `*` and `?` stay within a component, `**` crosses. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Expand the patterns the shell left unexpanded (quoted in CI configs). A pattern without
 * glob characters is returned as is, so that a missing file is reported by the compiler.
 */
export function expandGlobs(patterns: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const pat of patterns) {
    if (!/[*?]/.test(pat)) { out.push(pat); continue; }
    const parts = pat.split('/');
    const firstGlob = parts.findIndex((p) => /[*?]/.test(p));
    const base = parts.slice(0, firstGlob).join('/') || (pat.startsWith('/') ? '/' : '.');
    const re = globToRegExp(pat.startsWith('./') ? pat.slice(2) : pat);
    const found: string[] = [];
    const walk = (dir: string, depth: number) => {
      if (depth > 32) return;
      let names: string[];
      try { names = readdirSync(join(cwd, dir)).sort(); } catch { return; }
      for (const n of names) {
        if (n === 'node_modules' || n === '.git') continue;
        const rel = dir === '.' ? n : `${dir}/${n}`;
        let st;
        try { st = statSync(join(cwd, rel)); } catch { continue; }
        if (st.isDirectory()) walk(rel, depth + 1);
        else if (re.test(rel)) found.push(rel);
      }
    };
    walk(base, 0);
    if (found.length === 0) out.push(pat);
    else out.push(...found);
  }
  return [...new Set(out)];
}
