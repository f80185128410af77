import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * `sandforge path resolve --json-input` through the built CLI: the paths come from the real
 * standard input of the process (the in-process tests pass their own), including a NUL byte
 * and a lone surrogate that no command line could carry.
 */
const root = resolve(__dirname, '../..');
const bin = join(root, 'bin/sandforge.cjs');

describe('sandforge path resolve (built CLI)', () => {
  it('reads a JSON array from stdin and prints one JSON line per path, in order', () => {
    if (!existsSync(join(root, 'dist/sandforge.cjs'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it in pretest)');
    const input = JSON.stringify(['package.json', 'a\u0000b', '\ud800', '../x', 'compiler/../package.json']);
    const r = spawnSync(process.execPath, [bin, 'path', 'resolve', '--root', '.', '--mode', 'beneath', '--json', '--json-input'], { cwd: root, input, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { path: 'package.json', outcome: 'ok', resolved: 'package.json' },
      { path: 'a\u0000b', outcome: 'invalid', resolved: null },
      { path: '\ud800', outcome: 'invalid', resolved: null },
      { path: '../x', outcome: 'escape', resolved: null },
      { path: 'compiler/../package.json', outcome: 'ok', resolved: 'package.json' },
    ]);
    expect(r.status).toBe(1);
  });
});
