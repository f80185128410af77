import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type Io } from '../../../runtime/cli/main.js';
import { kernelResolve, openKernelRoot } from '../../../runtime/paths/kernel-resolve.js';
import { probeOpenat2 } from '../../../runtime/paths/openat2.js';

/** `sandforge path resolve`, run in-process through main(argv, io). */
let tmp = '';

function io(stdin?: string): Io & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    cwd: tmp,
    out: (s: string) => void (o.stdout += s),
    err: (s: string) => void (o.stderr += s),
    ...(stdin === undefined ? {} : { readStdin: async () => stdin }),
  };
  return o;
}

const lines = (s: string) => s.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sandforge-cli-path-'));
  mkdirSync(join(tmp, 'ws/src'), { recursive: true });
  writeFileSync(join(tmp, 'ws/src/a.ts'), '');
  symlinkSync('src', join(tmp, 'ws/link'));
  symlinkSync('../..', join(tmp, 'ws/src/up'));
  symlinkSync('/etc/passwd', join(tmp, 'ws/abs'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('sandforge path resolve', () => {
  it('prints one JSON line per path, in order, and exits 1 when one does not resolve', async () => {
    const o = io();
    const code = await main(['path', 'resolve', '--root', 'ws', '--mode', 'beneath', '--json', '--', 'link/a.ts', 'link/../src/a.ts', 'src/up/x', 'abs', '/src', 'nope'], o);
    expect(lines(o.stdout)).toEqual([
      { path: 'link/a.ts', outcome: 'ok', resolved: 'src/a.ts' },
      { path: 'link/../src/a.ts', outcome: 'ok', resolved: 'src/a.ts' },
      { path: 'src/up/x', outcome: 'escape', resolved: null },
      { path: 'abs', outcome: 'escape', resolved: null },
      { path: '/src', outcome: 'escape', resolved: null },
      { path: 'nope', outcome: 'missing', resolved: null },
    ]);
    expect(o.stderr).toBe('');
    expect(code).toBe(1);
  });

  it('in-root clamps `..` and absolute symlinks at the root; exit 0 when every path is ok', async () => {
    const o = io();
    const code = await main(['path', 'resolve', '--root', join(tmp, 'ws'), '--mode', 'in-root', '--json', '--', 'src/up/src/a.ts', '/link/a.ts', '../../..'], o);
    expect(lines(o.stdout)).toEqual([
      { path: 'src/up/src/a.ts', outcome: 'ok', resolved: 'src/a.ts' },
      { path: '/link/a.ts', outcome: 'ok', resolved: 'src/a.ts' },
      { path: '../../..', outcome: 'ok', resolved: '.' },
    ]);
    expect(code).toBe(0);
  });

  it('--json-input takes a JSON array on stdin, so NUL bytes and lone surrogates can be given', async () => {
    const paths = ['src/a.ts', 'src\u0000/a.ts', '\ud800', '', 'x'.repeat(300), 'src/a.ts/'];
    const o = io(JSON.stringify(paths));
    const code = await main(['path', 'resolve', '--root', 'ws', '--mode', 'beneath', '--json', '--json-input'], o);
    const got = lines(o.stdout);
    expect(got.map((l) => l['path'])).toEqual(paths);
    expect(got.map((l) => l['outcome'])).toEqual(['ok', 'invalid', 'invalid', 'missing', 'invalid', 'notdir']);
    expect(code).toBe(1);
  });

  it.skipIf(!probeOpenat2().ok)('answers as openat2 does for the same inputs', async () => {
    const paths = ['link/a.ts', 'src/up', 'src/up/ws', 'abs', '/', 'link/', 'src/a.ts/.'];
    for (const mode of ['beneath', 'in-root'] as const) {
      const o = io(JSON.stringify(paths));
      await main(['path', 'resolve', '--root', 'ws', '--mode', mode, '--json', '--json-input'], o);
      const k = openKernelRoot(join(tmp, 'ws'));
      try {
        expect(lines(o.stdout)).toEqual(paths.map((p) => ({ path: p, ...kernelResolve(k, p, mode) })));
      } finally {
        k.close();
      }
    }
  });

  it('prints a readable table without --json; --nofollow keeps a final symlink', async () => {
    const o = io();
    expect(await main(['path', 'resolve', '--root', 'ws', '--mode', 'beneath', '--nofollow', 'link', 'abs'], o)).toBe(0);
    expect(o.stdout).toBe('ok      link\t"link"\nok      abs\t"abs"\n');
  });

  it('refuses a root that is not a directory (SF7100) and bad usage (exit 2)', async () => {
    let o = io();
    expect(await main(['path', 'resolve', '--root', 'ws/src/a.ts', '--mode', 'beneath', 'x'], o)).toBe(1);
    expect(o.stderr).toMatch(/error SF7100: cannot use ws\/src\/a.ts as the root: not a directory/);
    const usage: string[][] = [
      ['path'],
      ['path', 'walk'],
      ['path', 'resolve', '--mode', 'beneath', 'x'],
      ['path', 'resolve', '--root', 'ws', '--mode', 'sideways', 'x'],
      ['path', 'resolve', '--root', 'ws', '--mode', 'beneath'],
      ['path', 'resolve', '--root', 'ws', '--mode', 'beneath', '--json-input', 'x'],
    ];
    for (const argv of usage) {
      o = io('[]');
      expect(await main(argv, o), argv.join(' ')).toBe(2);
      expect(o.stderr).toMatch(/^sandforge: /);
    }
    for (const stdin of ['not json', '{"a":1}', '[1, "x"]']) {
      o = io(stdin);
      expect(await main(['path', 'resolve', '--root', 'ws', '--mode', 'beneath', '--json-input'], o), stdin).toBe(2);
      expect(o.stderr).toMatch(/--json-input/);
    }
  });
});
