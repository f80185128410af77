import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInRoot, openRootFd, type Access, type Refusal, type RootFd } from '../../../runtime/paths/open-in-root.js';
import { probeOpenat2 } from '../../../runtime/paths/openat2.js';
import type { Mode } from '../../../runtime/paths/outcome.js';

/**
 * Use-time opens, with both engines: openat2 (one kernel step) and the documented fallback
 * (resolve, then an fd-relative walk with O_NOFOLLOW at every step). The same table must hold
 * for both.
 */
let tmp = '';
let root: RootFd;
const kernel = probeOpenat2();
if (!kernel.ok) console.warn(`open-in-root: openat2 engine skipped: ${kernel.detail}`);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sandforge-open-'));
  const r = join(tmp, 'root');
  mkdirSync(join(r, 'dir'), { recursive: true });
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(tmp, 'outside/secret.txt'), 'secret');
  writeFileSync(join(r, 'dir/file.txt'), 'inner');
  writeFileSync(join(r, 'solo.txt'), 'solo');
  linkSync(join(tmp, 'outside/secret.txt'), join(r, 'hardlink.txt'));
  symlinkSync('dir/file.txt', join(r, 'link-file'));
  symlinkSync('../outside/secret.txt', join(r, 'link-out'));
  symlinkSync('dir', join(r, 'link-dir'));
  symlinkSync('/proc/self/root', join(r, 'link-proc'));
  execFileSync('mkfifo', [join(r, 'fifo')]);
  root = openRootFd(r);
});

afterAll(() => {
  root?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type Row = [path: string, access: Access, mode: Mode, expected: 'ok' | Refusal];

const ROWS: Row[] = [
  ['dir/file.txt', 'read', 'beneath', 'ok'],
  ['link-dir/file.txt', 'read', 'beneath', 'ok'],
  ['dir', 'read', 'beneath', 'ok'],
  ['.', 'read', 'in-root', 'ok'],
  ['../outside/secret.txt', 'read', 'beneath', 'escape'],
  ['../outside/secret.txt', 'read', 'in-root', 'missing'],
  ['/dir/file.txt', 'read', 'beneath', 'escape'],
  ['/dir/file.txt', 'read', 'in-root', 'ok'],
  // O_NOFOLLOW: a symlink in the last component is refused, not followed.
  ['link-file', 'read', 'beneath', 'loop'],
  ['link-out', 'read', 'in-root', 'loop'],
  ['link-proc/etc/passwd', 'read', 'beneath', 'escape'],
  ['link-proc/etc/passwd', 'read', 'in-root', 'missing'],
  ['fifo', 'read', 'beneath', 'not-regular'],
  ['dir', 'write', 'beneath', 'error'], // EISDIR from the open itself
  ['solo.txt', 'write', 'beneath', 'ok'],
  // A hard link to a file outside the root: same inode, so writing it writes outside.
  ['hardlink.txt', 'write', 'beneath', 'hardlink'],
  ['hardlink.txt', 'read', 'beneath', 'ok'],
  ['dir/new.txt', 'create', 'beneath', 'ok'],
  ['dir/file.txt', 'create', 'beneath', 'exists'],
  ['link-file', 'create', 'beneath', 'exists'],
  ['../outside/new.txt', 'create', 'beneath', 'escape'],
  ['nope/new.txt', 'create', 'beneath', 'missing'],
  ['dir\0x', 'read', 'beneath', 'invalid'],
];

const engines = ['openat2', 'walk'] as const;

describe('openInRoot', () => {
  for (const engine of engines) {
    describe(`engine ${engine}`, () => {
      for (const [path, access, mode, expected] of ROWS) {
        it.skipIf(engine === 'openat2' && !kernel.ok)(`${access} ${JSON.stringify(path)} ${mode} -> ${expected}`, () => {
          const r = openInRoot(root, path, { mode, access, engine });
          try {
            expect(r.ok ? 'ok' : r.refusal).toBe(expected);
            expect(r.engine).toBe(engine);
          } finally {
            if (r.ok) closeSync(r.fd);
            if (access === 'create' && r.ok) rmSync(join(tmp, 'root', path));
          }
        });
      }

      it('writes through a hard link only when allowed, and then really writes the shared inode', () => {
        const r = openInRoot(root, 'hardlink.txt', { mode: 'beneath', access: 'write', allowHardLinks: true, engine });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.stat.nlink).toBe(2);
        writeSync(r.fd, 'SECRET');
        closeSync(r.fd);
        // The control: the file outside changed, which is why the default refuses.
        expect(readFileSync(join(tmp, 'outside/secret.txt'), 'utf8')).toBe('SECRET');
        writeFileSync(join(tmp, 'outside/secret.txt'), 'secret');
      });

      it('reads the file it resolved, not another one', () => {
        const r = openInRoot(root, 'link-dir/file.txt', { mode: 'beneath', access: 'read', engine });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const buf = Buffer.alloc(16);
        const n = readSync(r.fd, buf, 0, 16, 0);
        closeSync(r.fd);
        expect(buf.subarray(0, n).toString()).toBe('inner');
      });
    });
  }

  it('uses openat2 by default on this kernel', () => {
    const r = openInRoot(root, 'solo.txt', { mode: 'beneath', access: 'read' });
    if (r.ok) closeSync(r.fd);
    expect(r.engine).toBe(kernel.ok ? 'openat2' : 'walk');
  });
});
