import { describe, expect, it } from 'vitest';
import { compileGlob, components, globCovers, globMatches } from '../../../compiler/paths/glob.js';

/** The documented glob semantics (docs/paths.md#globs), case by case. */
const HOME = components('/home/me');

// [pattern, path, matches the path itself, covers it (the path or an ancestor)]
const TABLE: [string, string, boolean, boolean][] = [
  // unanchored patterns match at any depth, as if written **/…
  ['**/.env', '/home/me/proj/.env', true, true],
  ['**/.env', '/.env', true, true],
  ['**/.env', '/home/me/proj/.env/inner', false, true],
  ['**/.env', '/home/me/proj/.envrc', false, false],
  ['**/.env.*', '/p/.env.local', true, true],
  ['**/.env.*', '/p/.env', false, false],
  ['*.pem', '/etc/ssl/key.pem', true, true],
  ['secrets/*.key', '/a/b/secrets/x.key', true, true],
  ['secrets/*.key', '/a/b/secrets/sub/x.key', false, false],
  // `*` stays inside one component and matches dot files; `?` is one character
  ['/srv/*/key', '/srv/a/key', true, true],
  ['/srv/*/key', '/srv/a/b/key', false, false],
  ['/srv/*', '/srv/.hidden', true, true],
  ['/srv/k?y', '/srv/key', true, true],
  ['/srv/k?y', '/srv/keey', false, false],
  // `**` is zero or more components; a trailing `**` is what is below, not the directory
  ['/srv/**/key', '/srv/key', true, true],
  ['/srv/**/key', '/srv/a/b/c/key', true, true],
  ['/srv/**', '/srv', false, false],
  ['/srv/**', '/srv/a', true, true],
  ['/srv/**', '/srv/a/b', true, true],
  ['~/.ssh/**', '/home/me/.ssh/id_rsa', true, true],
  ['~/.ssh/**', '/home/me/.ssh', false, false],
  ['~/.ssh', '/home/me/.ssh/id_rsa', false, true],
  ['~/.ssh', '/root/.ssh', false, false],
  ['~', '/home/me', true, true],
  // classes, negation, alternatives, escapes
  ['/k/[abc].txt', '/k/b.txt', true, true],
  ['/k/[abc].txt', '/k/d.txt', false, false],
  ['/k/[a-c].txt', '/k/c.txt', true, true],
  ['/k/[!a-c].txt', '/k/c.txt', false, false],
  ['/k/[!a-c].txt', '/k/z.txt', true, true],
  ['/k/[^a].txt', '/k/a.txt', false, false],
  ['/k/*.{pem,key}', '/k/x.key', true, true],
  ['/k/*.{pem,key}', '/k/x.crt', false, false],
  ['/k/{a,{b,c}}x', '/k/cx', true, true],
  ['/k/\\*', '/k/*', true, true],
  ['/k/\\*', '/k/a', false, false],
  // regular-expression characters are literal
  ['/k/a+b(c)|d.*', '/k/a+b(c)|d.x', true, true],
  ['/k/a+b(c)|d.*', '/k/aab(c)|d.x', false, false],
  // whole components: never a string prefix
  ['/srv/data*', '/srv/database', true, true],
  ['/srv/data', '/srv/database', false, false],
];

describe('glob semantics', () => {
  for (const [pattern, path, matches, covers] of TABLE) {
    it(`${pattern} vs ${path}: matches=${matches} covers=${covers}`, () => {
      const g = compileGlob(pattern);
      expect(globMatches(g, path, HOME)).toBe(matches);
      expect(globCovers(g, path, HOME) !== null).toBe(covers);
    });
  }

  it('~/ patterns match nothing when the home directory is unknown', () => {
    expect(globCovers(compileGlob('~/.ssh'), '/home/me/.ssh', null)).toBeNull();
    expect(globCovers(compileGlob('**/.ssh'), '/home/me/.ssh', null)).not.toBeNull();
  });

  it('names the ancestor that a covering pattern matched', () => {
    expect(globCovers(compileGlob('**/.git'), '/p/.git/hooks/pre-commit', HOME)).toEqual({ matched: '/p/.git' });
  });
});
