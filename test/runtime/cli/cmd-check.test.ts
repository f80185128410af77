import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type Io } from '../../../runtime/cli/main.js';

/** `sandforge check`, run in-process through main(argv, io), on a policy in a temp directory. */
let tmp = '';
let ws = '';

function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', cwd: '', out: (s: string) => void (o.stdout += s), err: (s: string) => void (o.stderr += s) };
  o.cwd = ws;
  return o;
}

const POLICY = `version: 1
name: check-test
extends: none
filesystem:
  workspace: .
  read:
    - /usr
    - ./.git
  write: [~/.cache/tool]
  tmpfs: [/tmp]
  deny:
    - ~/.ssh
    - "**/.env"
`;

beforeAll(() => {
  tmp = realpathSync.native(mkdtempSync(join(tmpdir(), 'sandforge-cli-check-')));
  ws = join(tmp, 'ws');
  mkdirSync(join(ws, '.git'), { recursive: true });
  mkdirSync(join(tmp, 'home/.ssh'), { recursive: true });
  writeFileSync(join(ws, 'policy.yaml'), POLICY);
  writeFileSync(join(ws, 'a.ts'), '');
  writeFileSync(join(ws, '.env'), 'TOKEN=1');
  writeFileSync(join(ws, '.git/config'), '');
  writeFileSync(join(tmp, 'home/.ssh/id_rsa'), '');
  // A symlink in the workspace to a key outside: the decision is on what it names.
  symlinkSync(join(tmp, 'home/.ssh/id_rsa'), join(ws, 'key'));
  symlinkSync('.git', join(ws, 'git-link'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const json = (s: string) => s.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('sandforge check', () => {
  it('answers each query in order with the deciding rule and its file:line:col', async () => {
    const o = io();
    const home = join(tmp, 'home');
    const code = await main(['check', 'policy.yaml', '--json', '--home', home, '--read', 'a.ts', '--write', '.git/config', '--read', 'key', '--read', '.env', '--create', 'src/new.ts', '--write', '/usr/bin/ls', '--read', '/etc/shadow', '--write', '~/.cache/tool/x', '--delete', 'git-link/config'], o);
    const got = json(o.stdout).map((l) => [l['op'], l['decision'], (l['rule'] as Record<string, unknown> | null)?.['entry'] ?? null, (l['rule'] as Record<string, unknown> | null)?.['line'] ?? null]);
    expect(got).toEqual([
      ['read', 'allow', ws, 5],
      ['write', 'deny', `${ws}/.git`, 8],
      ['read', 'deny', '~/.ssh', 12],
      ['read', 'deny', '**/.env', 13],
      ['create', 'allow', ws, 5],
      ['write', 'deny', '/usr', 7],
      ['read', 'deny', null, null],
      ['write', 'allow', '~/.cache/tool', 9],
      ['delete', 'deny', `${ws}/.git`, 8],
    ]);
    const first = json(o.stdout)[0]!;
    expect(first).toMatchObject({ op: 'read', path: 'a.ts', resolved: `${ws}/a.ts`, decision: 'allow', rule: { list: 'workspace', pointer: '/filesystem/workspace', file: 'policy.yaml', line: 5, col: 14 } });
    expect(json(o.stdout)[2]).toMatchObject({ path: 'key', resolved: `${tmp}/home/.ssh/id_rsa` });
    expect(code).toBe(1);
  });

  it('prints the "why was this blocked" text and exits 0 when everything is allowed', async () => {
    let o = io();
    expect(await main(['check', 'policy.yaml', '--home', join(tmp, 'home'), '--write', '.git/config'], o)).toBe(1);
    expect(o.stdout).toBe(`deny  write .git/config → ${ws}/.git/config\n      read-only: filesystem.read "${ws}/.git" is the innermost mount here [policy.yaml:8:7]\n`);
    o = io();
    expect(await main(['check', 'policy.yaml', '--read', 'a.ts', '--exec', '/usr/bin/env', '--create', '/tmp/x'], o)).toBe(0);
    expect(o.stdout).toMatch(/^allow read a\.ts → .*\n.*\[policy\.yaml:5:14\]\nallow exec \/usr\/bin\/env/);
  });

  it('answers from a compiled bundle the same, with origins from sourcemap.json', async () => {
    const home = join(tmp, 'home');
    const queries = ['--read', 'a.ts', '--write', '.git/config', '--read', 'key', '--create', '/tmp/x'];
    const fromPolicy = io();
    await main(['check', 'policy.yaml', '--json', '--home', home, ...queries], fromPolicy);
    const out = join(tmp, 'bundle');
    const c = io();
    expect(await main(['compile', 'policy.yaml', '-o', out], c), c.stderr).toBe(0);
    const fromBundle = io();
    expect(await main(['check', out, '--json', '--home', home, ...queries], fromBundle)).toBe(1);
    expect(json(fromBundle.stdout)).toEqual(json(fromPolicy.stdout));
  });

  it('reports policy errors (exit 1) and usage errors (exit 2)', async () => {
    writeFileSync(join(ws, 'bad.yaml'), 'version: 1\nname: Bad Name\n');
    let o = io();
    expect(await main(['check', 'bad.yaml', '--read', 'a.ts'], o)).toBe(1);
    expect(o.stderr).toMatch(/SF2005/);
    for (const argv of [['check'], ['check', 'policy.yaml'], ['check', 'policy.yaml', '--read'], ['check', 'policy.yaml', '--frobnicate', 'x']]) {
      o = io();
      expect(await main(argv, o), argv.join(' ')).toBe(2);
    }
  });
});
