import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as lexicalResolve } from 'node:path';
import { lookupEngine, openRoot, resolveBelow, RootError, type Root } from '../../../runtime/paths/resolve-path.js';
import { kernelResolve, openKernelRoot, type KernelRoot } from '../../../runtime/paths/kernel-resolve.js';
import { probeOpenat2 } from '../../../runtime/paths/openat2.js';
import type { Mode, Outcome } from '../../../runtime/paths/outcome.js';

/**
 * Fixture trees for each escape class: every case has a hand-written expectation, and the
 * same case is also put to the kernel (openat2), which must agree with the expectation.
 */
let tmp = '';
let rootDir = '';
let root: Root;
let kroot: KernelRoot;
const kernel = probeOpenat2();
if (!kernel.ok) console.warn(`resolve-path: kernel comparisons skipped: ${kernel.detail}`);

function chain(dir: string, prefix: string, n: number, end: string): void {
  // prefix0 -> prefix1 -> ... -> prefix(n-1) -> end: following prefix0 follows n links.
  for (let i = 0; i < n; i++) symlinkSync(i === n - 1 ? end : `${prefix}${i + 1}`, join(dir, `${prefix}${i}`));
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sandforge-resolve-'));
  rootDir = join(tmp, 'root');
  mkdirSync(join(rootDir, 'dir/sub'), { recursive: true });
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(tmp, 'outside/secret.txt'), 'secret');
  writeFileSync(join(rootDir, 'file.txt'), 'top');
  writeFileSync(join(rootDir, 'dir/file.txt'), 'inner');
  writeFileSync(join(rootDir, 'n'.repeat(255)), 'long name');
  const real = realpathSync.native(rootDir);
  const links: [string, string][] = [
    ['link-dir', 'dir'],
    ['link-file', 'dir/file.txt'],
    ['link-sub', 'dir/sub'],
    ['link-up', '..'],
    ['link-out', '../outside/secret.txt'],
    ['link-abs', '/dir'],
    ['link-abs-host', `${real}/dir`],
    ['link-root', '/'],
    ['link-dangling', 'nowhere'],
    ['link-dangling-dir', 'nowhere/'],
    ['link-file-slash', 'dir/file.txt/'],
    ['link-dir-slash', 'dir/'],
    ['link-proc', '/proc/self/root'],
    ['loop-a', 'loop-b'],
    ['loop-b', 'loop-a'],
    ['self', 'self'],
  ];
  for (const [name, target] of links) symlinkSync(target, join(rootDir, name));
  chain(rootDir, 'c40-', 40, 'file.txt');
  chain(rootDir, 'c41-', 41, 'file.txt');
  root = openRoot(rootDir);
  if (kernel.ok) kroot = openKernelRoot(rootDir);
});

afterAll(() => {
  kroot?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type Case = [path: string, beneath: [Outcome, string?], inRoot: [Outcome, string?], follow?: boolean];

const CASES: Record<string, Case[]> = {
  'plain paths': [
    ['dir/file.txt', ['ok', 'dir/file.txt'], ['ok', 'dir/file.txt']],
    ['.', ['ok', '.'], ['ok', '.']],
    ['./dir//sub/', ['ok', 'dir/sub'], ['ok', 'dir/sub']],
    ['nope', ['missing'], ['missing']],
    ['dir/nope/x', ['missing'], ['missing']],
  ],
  '`..` games': [
    ['..', ['escape'], ['ok', '.']],
    ['../outside/secret.txt', ['escape'], ['missing']],
    ['dir/../../outside', ['escape'], ['missing']],
    ['dir/../file.txt', ['ok', 'file.txt'], ['ok', 'file.txt']],
    // Leaving and re-entering the root is still leaving it under RESOLVE_BENEATH.
    ['../root/file.txt', ['escape'], ['missing']],
    ['dir/sub/../../../../..', ['escape'], ['ok', '.']],
  ],
  '`..` after a symlink (the parent of the target, not of the link)': [
    ['link-sub/..', ['ok', 'dir'], ['ok', 'dir']],
    ['link-sub/../file.txt', ['ok', 'dir/file.txt'], ['ok', 'dir/file.txt']],
    ['link-up/outside/secret.txt', ['escape'], ['missing']],
    ['link-out', ['escape'], ['missing']],
  ],
  'absolute paths and symlinks': [
    ['/dir/file.txt', ['escape'], ['ok', 'dir/file.txt']],
    ['/', ['escape'], ['ok', '.']],
    ['/../..', ['escape'], ['ok', '.']],
    ['link-abs/file.txt', ['escape'], ['ok', 'dir/file.txt']],
    // An absolute target naming the root's own host path is a path below the root in-root.
    ['link-abs-host/file.txt', ['escape'], ['missing']],
    ['link-root', ['escape'], ['ok', '.']],
    ['link-root/dir', ['escape'], ['ok', 'dir']],
  ],
  'chains, loops and the 40-link limit': [
    ['c40-0', ['ok', 'file.txt'], ['ok', 'file.txt']],
    ['c41-0', ['loop'], ['loop']],
    ['c41-1', ['ok', 'file.txt'], ['ok', 'file.txt']],
    ['loop-a', ['loop'], ['loop']],
    ['self', ['loop'], ['loop']],
    ['self', ['ok', 'self'], ['ok', 'self'], false],
    ['self/', ['loop'], ['loop'], false],
    ['link-dir/../link-dir/file.txt', ['ok', 'dir/file.txt'], ['ok', 'dir/file.txt']],
  ],
  'ENOTDIR in the middle, trailing slashes and /.': [
    ['file.txt/x', ['notdir'], ['notdir']],
    ['file.txt/', ['notdir'], ['notdir']],
    ['file.txt/.', ['notdir'], ['notdir']],
    ['file.txt/..', ['notdir'], ['notdir']],
    ['link-file/x', ['notdir'], ['notdir']],
    ['link-file/', ['notdir'], ['notdir']],
    ['link-file', ['ok', 'dir/file.txt'], ['ok', 'dir/file.txt']],
    ['link-file', ['ok', 'link-file'], ['ok', 'link-file'], false],
    ['link-file/', ['notdir'], ['notdir'], false],
    ['link-file-slash', ['notdir'], ['notdir']],
    ['link-dir-slash', ['ok', 'dir'], ['ok', 'dir']],
    ['dir/', ['ok', 'dir'], ['ok', 'dir']],
    ['dir/.', ['ok', 'dir'], ['ok', 'dir']],
    ['link-dir/.', ['ok', 'dir'], ['ok', 'dir'], false],
  ],
  'dangling symlinks': [
    ['link-dangling', ['missing'], ['missing']],
    ['link-dangling', ['ok', 'link-dangling'], ['ok', 'link-dangling'], false],
    ['link-dangling/', ['missing'], ['missing'], false],
    ['link-dangling-dir', ['missing'], ['missing']],
  ],
  'empty strings, NUL bytes, lone surrogates, long names and paths': [
    ['', ['missing'], ['missing']],
    ['dir\0/file.txt', ['invalid'], ['invalid']],
    ['\ud800', ['invalid'], ['invalid']],
    ['dir/\udc00', ['invalid'], ['invalid']],
    ['n'.repeat(255), ['ok', 'n'.repeat(255)], ['ok', 'n'.repeat(255)]],
    ['n'.repeat(256), ['invalid'], ['invalid']],
    ['dir/' + 'n'.repeat(256), ['invalid'], ['invalid']],
    // Order matters as in the kernel: a missing directory is reported before the long name.
    ['nope/' + 'n'.repeat(256), ['missing'], ['missing']],
    ['./'.repeat(2043) + 'file.txt', ['ok', 'file.txt'], ['ok', 'file.txt']], // 4094 bytes
    ['./'.repeat(2044) + 'file.txt', ['invalid'], ['invalid']], // 4096 bytes: PATH_MAX
    ['😀/x', ['missing'], ['missing']],
  ],
  '/proc magic links reached from a root': [
    ['link-proc', ['escape'], ['missing']],
  ],
};

describe.each(['statx', 'node'] as const)('resolveBelow on fixture trees (lstat through %s)', (engine) => {
  beforeAll(() => {
    expect(lookupEngine(engine)).toBe(engine);
  });
  afterAll(() => {
    lookupEngine('statx');
  });
  for (const [group, cases] of Object.entries(CASES)) {
    describe(group, () => {
      for (const [path, beneath, inRoot, follow = true] of cases) {
        for (const [mode, [outcome, resolved]] of [['beneath', beneath], ['in-root', inRoot]] as [Mode, [Outcome, string?]][]) {
          const label = `${JSON.stringify(path.length > 40 ? path.slice(0, 20) + '…' + path.slice(-12) : path)} ${mode}${follow ? '' : ' nofollow'} -> ${outcome}`;
          it(label, () => {
            const expected = { outcome, resolved: resolved ?? null };
            expect(resolveBelow(root, path, mode, { follow })).toEqual(expected);
            if (kernel.ok) expect(kernelResolve(kroot, path, mode, follow), 'the kernel disagrees with the expectation').toEqual(expected);
          });
        }
      }
    });
  }

  it('is not what a lexical resolve would say (the reason it exists)', () => {
    // path.resolve collapses `..` before the symlink: it names root/file.txt, a different file.
    expect(lexicalResolve(rootDir, 'link-sub/../file.txt')).toBe(join(rootDir, 'file.txt'));
    expect(resolveBelow(root, 'link-sub/../file.txt', 'beneath').resolved).toBe('dir/file.txt');
  });
});

describe('/proc magic links (root /)', () => {
  const slash = () => openRoot('/');
  const cases: [string, Outcome, string | null][] = [
    ['proc/self/root', 'loop', null],
    ['proc/self/root/etc', 'loop', null],
    ['proc/self/cwd', 'loop', null],
    ['proc/self/exe', 'loop', null],
    ['proc/self/fd/0', 'loop', null],
    ['proc/self/ns/net', 'loop', null],
    ['proc/thread-self/root', 'loop', null],
    ['proc/self/task/' + process.pid + '/root', 'loop', null],
    ['proc/self', 'ok', `proc/${process.pid}`],
    ['proc/self/status', 'ok', `proc/${process.pid}/status`],
    ['proc/mounts', 'ok', `proc/${process.pid}/mounts`],
  ];
  for (const [path, outcome, resolved] of cases) {
    for (const mode of ['beneath', 'in-root'] as Mode[]) {
      it(`${path} ${mode} -> ${outcome}`, () => {
        const r = resolveBelow(slash(), path, mode);
        expect(r).toEqual({ outcome, resolved });
        if (kernel.ok) {
          const k = openKernelRoot('/');
          try {
            expect(kernelResolve(k, path, mode)).toEqual(r);
          } finally {
            k.close();
          }
        }
      });
    }
  }
});

describe('symlink targets that are not UTF-8', () => {
  it('are followed byte for byte, as the kernel does', () => {
    const dir = join(tmp, 'bytes');
    mkdirSync(dir);
    const name = Buffer.concat([Buffer.from('bad-'), Buffer.from([0xff, 0xfe])]);
    writeFileSync(Buffer.concat([Buffer.from(dir + '/'), name]), 'x');
    symlinkSync(name, join(dir, 'to-bad'));
    symlinkSync(Buffer.concat([name, Buffer.from('/x')]), join(dir, 'to-bad-child'));
    const r = openRoot(dir);
    expect(resolveBelow(r, 'to-bad', 'beneath')).toEqual({ outcome: 'ok', resolved: 'bad-\uFFFD\uFFFD' });
    expect(resolveBelow(r, 'to-bad-child', 'beneath')).toEqual({ outcome: 'notdir', resolved: null });
    if (kernel.ok) {
      const k = openKernelRoot(dir);
      try {
        expect(kernelResolve(k, 'to-bad', 'beneath')).toEqual({ outcome: 'ok', resolved: 'bad-\uFFFD\uFFFD' });
        expect(kernelResolve(k, 'to-bad-child', 'beneath').outcome).toBe('notdir');
      } finally {
        k.close();
      }
    }
  });
});

describe('openRoot', () => {
  it('resolves the root itself through symlinks, relative to cwd', () => {
    expect(openRoot('root/link-dir', tmp).path).toBe(join(realpathSync.native(rootDir), 'dir'));
    expect(openRoot('root/link-sub/..', tmp).path).toBe(join(realpathSync.native(rootDir), 'dir'));
  });

  it('refuses a missing root, a file, and a magic link', () => {
    expect(() => openRoot(join(tmp, 'nope'))).toThrow(RootError);
    expect(() => openRoot(join(rootDir, 'file.txt'))).toThrow(/not a directory/);
    expect(() => openRoot('/proc/self/cwd')).toThrow(/loop/);
  });
});
