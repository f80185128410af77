import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type Io } from '../../../runtime/cli/main.js';

/** `sandforge explain --syscalls` on a policy and on its verified bundle, in-process. */
let tmp = '';

function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', cwd: '', out: (s: string) => void (o.stdout += s), err: (s: string) => void (o.stderr += s) };
  o.cwd = tmp;
  return o;
}

const POLICY = `version: 1
name: explain-syscalls
extends: none
syscalls:
  default: errno(EPERM)
  allow: [read, write]
  deny: [ptrace]
  rules:
    - syscall: socket
      when: args[0] == AF_UNIX
      action: allow
`;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sandforge-explain-'));
  writeFileSync(join(tmp, 'p.yaml'), POLICY);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const line = (text: string, re: RegExp) => text.split('\n').find((l) => re.test(l));

describe('sandforge explain --syscalls', () => {
  it('prints every syscall of every ABI with its verdict and the line that decides it', async () => {
    const o = io();
    expect(await main(['explain', '--syscalls', 'p.yaml'], o)).toBe(0);
    expect(line(o.stdout, /^\s+0\s+read\s/)).toMatch(/allow — allow read \(p\.yaml:6:11\)/);
    expect(line(o.stdout, /^\s+101\s+ptrace\s/)).toMatch(/errno\(EPERM\) — deny ptrace \(p\.yaml:7:10\)/);
    expect(line(o.stdout, /^\s+41\s+socket\s/)).toMatch(/allow if rule 1 when args\[0\] == AF_UNIX \(p\.yaml:9:7\); else errno\(EPERM\) — default \(p\.yaml:5:12\)/);
    // aarch64 numbers differ: read is 63 there.
    expect(o.stdout).toMatch(/# aarch64 program, ABI aarch64/);
    expect(line(o.stdout.slice(o.stdout.indexOf('ABI aarch64')), /^\s+63\s+read\s/)).toBeDefined();
    expect(o.stdout).toMatch(/i386 and x32 calls: kill-process \(compat: deny\)/);
  });

  it('gives the same table for the compiled bundle', async () => {
    const a = io();
    expect(await main(['compile', 'p.yaml', '-o', 'out'], a)).toBe(0);
    const b = io();
    expect(await main(['explain', '--syscalls', 'out'], b)).toBe(0);
    const c = io();
    await main(['explain', '--syscalls', 'p.yaml'], c);
    const body = (s: string) => s.split('\n').slice(1).join('\n');
    expect(body(b.stdout)).toBe(body(c.stdout));
  });
});
