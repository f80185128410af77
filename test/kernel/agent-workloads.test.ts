import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePolicy } from '../../compiler/compile.js';
import { fsHost } from '../../runtime/fs-host.js';
import { disposeKernelHarness, runUnderFilter, seccompAvailable, type FilteredRun } from '../support/seccomp-kernel.js';

// The built-in `agent` profile (policies/agent.yaml, docs/seccomp.md#the-built-in-agent-profile)
// must run what coding agents actually run — a shell pipeline, node, python, git, gcc, make,
// npm — and must stop what it promises to stop. Each workload runs for real under the
// compiled seccomp/x86_64.bpf (runUnderFilter: no_new_privs, the unmodified program, execvp, so
// the exec and the dynamic loader are filtered too). Each denial has a control: the same
// command without the filter behaves differently (where running it is harmless).

const avail = await seccompAvailable();
if (!avail.ok) console.warn(`skipping agent workloads under seccomp: ${avail.reason}`);
const kernel = describe.skipIf(!avail.ok);

const PYTHON = '/usr/bin/python3'; // Debian's python3 (scripts/system-packages.json), not a user's shim

let dir = '';
let program: Uint8Array;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandforge-agent-workloads-'));
  writeFileSync(join(dir, 'policy.yaml'), 'version: 1\nname: workloads\nextends: agent\n');
  const r = compilePolicy(join(dir, 'policy.yaml'), fsHost(dir));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !r.files) throw new Error(`the agent policy does not compile:\n${errors.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  program = r.files.get('seccomp/x86_64.bpf')!;
});

afterAll(() => {
  disposeKernelHarness();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory inside the temp dir, for one workload. */
function work(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

const ENV = { ...process.env, LANG: 'C', LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
const filtered = (argv: string[], cwd: string, timeoutMs = 60_000): Promise<FilteredRun> => runUnderFilter(program, argv, { cwd, env: { ...ENV, HOME: cwd }, timeoutMs });
const unfiltered = (argv: string[], cwd: string) => spawnSync(argv[0]!, argv.slice(1), { cwd, env: { ...ENV, HOME: cwd }, encoding: 'utf8' });

/** Status 0 and no signal, or the run's output for the failure message. */
function ok(r: FilteredRun): void {
  expect({ status: r.status, signal: r.signal }, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toEqual({ status: 0, signal: null });
}

kernel('agent: real workloads run under the filter', () => {
  it('a shell pipeline', async () => {
    const r = await filtered(['sh', '-c', 'echo hi | cat'], work('sh'));
    ok(r);
    expect(r.stdout).toBe('hi\n');
  });

  it('node writes a file and computes', async () => {
    const d = work('node');
    const r = await filtered([process.execPath, '-e', "require('fs').writeFileSync('out.txt', 'from node'); console.log(1 + 1)"], d);
    ok(r);
    expect(r.stdout).toBe('2\n');
    expect(readFileSync(join(d, 'out.txt'), 'utf8')).toBe('from node');
  });

  it('python3 starts a subprocess', async () => {
    const r = await filtered([PYTHON, '-c', 'import json, subprocess; print(subprocess.run(["true"]).returncode)'], work('python'));
    ok(r);
    expect(r.stdout).toBe('0\n');
  });

  it('git init and git commit', async () => {
    const d = work('git');
    writeFileSync(join(d, 'README'), 'hello\n');
    const git = (...args: string[]) => filtered(['git', '-c', 'user.name=Sandforge Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], d);
    ok(await git('init', '-q'));
    ok(await git('add', 'README'));
    ok(await git('commit', '-q', '-m', 'first'));
    const log = await git('log', '--format=%s');
    ok(log);
    expect(log.stdout).toBe('first\n');
  });

  it('gcc compiles a program, and the program runs', async () => {
    const d = work('gcc');
    writeFileSync(join(d, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello from c"); return 0; }\n');
    const r = await filtered(['sh', '-c', 'gcc -O1 -o hello hello.c && ./hello'], d);
    ok(r);
    expect(r.stdout).toBe('hello from c\n');
  });

  it('make runs a recipe', async () => {
    const d = work('make');
    writeFileSync(join(d, 'Makefile'), 'out.txt:\n\techo made > out.txt\n');
    const r = await filtered(['make', '-s'], d);
    ok(r);
    expect(readFileSync(join(d, 'out.txt'), 'utf8')).toBe('made\n');
  });

  it('npm --version, npm pack --dry-run, and npm install of a local file: dependency (no network)', async () => {
    const d = work('npm');
    const dep = join(d, 'dep');
    const app = join(d, 'app');
    mkdirSync(dep);
    mkdirSync(app);
    writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'sf-dep', version: '1.2.3', main: 'index.js' }));
    writeFileSync(join(dep, 'index.js'), 'module.exports = 42;\n');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sf-app', version: '0.0.1', dependencies: { 'sf-dep': 'file:../dep' } }));
    const version = await filtered(['npm', '--version'], app);
    ok(version);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const pack = await filtered(['npm', 'pack', '--dry-run', '--json'], dep);
    ok(pack);
    expect((JSON.parse(pack.stdout) as { name: string; files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort()).toEqual(['index.js', 'package.json']);
    const install = await filtered(['npm', 'install', '--offline', '--no-audit', '--no-fund'], app);
    ok(install);
    const req = await filtered([process.execPath, '-e', "console.log(require('sf-dep'))"], app);
    ok(req);
    expect(req.stdout).toBe('42\n');
  }, 120_000);
});

/** A python3 -c script that prints "ok" or "errno N" for one call. */
const attempt = (body: string) => [
  'import ctypes, errno, os, socket, sys',
  'libc = ctypes.CDLL(None, use_errno=True)',
  'libc.syscall.restype = ctypes.c_long',
  'try:',
  ...body.split('\n').map((l) => '    ' + l),
  '    print("ok")',
  'except OSError as e:',
  '    print("errno %d" % e.errno)',
].join('\n');

const CONTROLS: { what: string; script: string; without: RegExp }[] = [
  {
    what: 'memfd_create (fileless executables)',
    script: attempt('os.close(os.memfd_create("x"))'),
    without: /^ok$/,
  },
  {
    what: 'ioctl(0, TIOCSTI) (typing into the terminal); without the filter stdin is a pipe: ENOTTY from the tty layer',
    script: attempt(`c = ctypes.c_char(b"x")\nif libc.ioctl(0, 0x5412, ctypes.byref(c)) != 0: raise OSError(ctypes.get_errno(), "ioctl")`),
    without: /^errno 25$/,
  },
  {
    what: 'socket(AF_PACKET, SOCK_RAW) (raw link-layer access)',
    script: attempt('socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0).close()'),
    without: /^ok$/,
  },
  {
    what: 'io_uring_setup (a syscall path seccomp never sees)',
    script: attempt(`p = ctypes.create_string_buffer(120)\nfd = libc.syscall(425, 4, p)\nif fd < 0: raise OSError(ctypes.get_errno(), "io_uring_setup")\nos.close(fd)`),
    without: /^ok$/,
  },
];

kernel('agent: what it denies, with controls', () => {
  it('unshare -U true fails under the filter (unshare is denied), and works without it', async () => {
    const d = work('unshare');
    expect(unfiltered(['unshare', '-U', 'true'], d).status).toBe(0);
    const r = await filtered(['unshare', '-U', 'true'], d);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unshare failed: Operation not permitted/);
  });

  it.each(CONTROLS)('$what: EPERM under the filter, different without it', async ({ script, without }) => {
    const d = work('controls');
    const control = unfiltered([PYTHON, '-c', script], d);
    expect(control.stderr).toBe('');
    expect(control.stdout.trim()).toMatch(without);
    const r = await filtered([PYTHON, '-c', script], d);
    ok(r);
    expect(r.stdout.trim()).toBe('errno 1');
  });
});
