import { describe, expect, it } from 'vitest';
import { decide, type FsOp } from '../../../compiler/paths/decide.js';
import type { PolicyIR } from '../../../compiler/ir/policy-ir.js';

/**
 * decide() on a hand-written filesystem section. Expected answers follow the mount plan
 * (compiler/4-lower/lower-mounts.ts): deny wins; the innermost mount decides; create and
 * delete need a writable parent; nothing covering means denied.
 */
const FS: PolicyIR['filesystem'] = {
  workspace: '/home/me/proj',
  read: ['/usr', '/etc/ssl', '/home/me/proj/.git', '/srv/data'],
  write: ['~/.cache/pip', '/srv/data/out', '/home/me/proj/.git/hooks-tmp'],
  tmpfs: ['/tmp'],
  deny: ['~/.ssh', '**/.env', '/srv/data/out/private', '/home/me/proj/*.key', '/srv/data/**/*.pem'],
};
const ctx = { home: '/home/me', origin: (p: string) => ({ file: 'policy.yaml', line: Number(p.split('/').pop()) + 10 || 3, col: 5 }) };

// [op, path, allow, deciding list, deciding entry]
const TABLE: [FsOp, string, boolean, string | null, string | null][] = [
  ['read', '/usr/bin/ls', true, 'read', '/usr'],
  ['exec', '/usr/bin/ls', true, 'read', '/usr'],
  ['write', '/usr/bin/ls', false, 'read', '/usr'],
  ['read', '/usr', true, 'read', '/usr'],
  ['read', '/usrx/bin', false, null, null], // whole components, never a prefix
  ['read', '/etc/passwd', false, null, null],
  ['write', '/home/me/proj/src/a.ts', true, 'workspace', '/home/me/proj'],
  ['create', '/home/me/proj/src/new.ts', true, 'workspace', '/home/me/proj'],
  ['delete', '/home/me/proj/src/a.ts', true, 'workspace', '/home/me/proj'],
  // a read-only island inside the writable workspace
  ['write', '/home/me/proj/.git/config', false, 'read', '/home/me/proj/.git'],
  ['read', '/home/me/proj/.git/config', true, 'read', '/home/me/proj/.git'],
  ['create', '/home/me/proj/.git/new', false, 'read', '/home/me/proj/.git'],
  ['delete', '/home/me/proj/.git', false, 'read', '/home/me/proj/.git'], // a mount point
  // and a writable one inside it again
  ['write', '/home/me/proj/.git/hooks-tmp/x', true, 'write', '/home/me/proj/.git/hooks-tmp'],
  ['write', '/srv/data/out/result.csv', true, 'write', '/srv/data/out'],
  ['write', '/srv/data/in.csv', false, 'read', '/srv/data'],
  ['create', '/srv/data/out', false, 'write', '/srv/data/out'],
  // ~ is expanded with the home given
  ['write', '/home/me/.cache/pip/wheel', true, 'write', '~/.cache/pip'],
  ['read', '/home/me/.bashrc', false, null, null],
  // deny wins over every grant, for every operation, also below a masked directory
  ['read', '/home/me/.ssh/id_rsa', false, 'deny', '~/.ssh'],
  ['read', '/home/me/proj/.env', false, 'deny', '**/.env'],
  ['read', '/home/me/proj/sub/.env', false, 'deny', '**/.env'],
  ['create', '/home/me/proj/.env', false, 'deny', '**/.env'],
  ['read', '/home/me/proj/.env/inner', false, 'deny', '**/.env'],
  ['read', '/home/me/proj/.envrc', true, 'workspace', '/home/me/proj'],
  ['write', '/srv/data/out/private/x', false, 'deny', '/srv/data/out/private'],
  ['read', '/home/me/proj/server.key', false, 'deny', '/home/me/proj/*.key'],
  ['read', '/home/me/proj/sub/server.key', true, 'workspace', '/home/me/proj'],
  ['read', '/srv/data/a/b/c.pem', false, 'deny', '/srv/data/**/*.pem'],
  // tmpfs and the sandbox's own /proc and /dev
  ['create', '/tmp/x', true, 'tmpfs', '/tmp'],
  ['delete', '/tmp', false, 'tmpfs', '/tmp'],
  ['read', '/proc/self/status', true, 'sandbox', '/proc'],
  ['write', '/dev/null', true, 'sandbox', '/dev'],
  ['read', '/', false, null, null],
  ['create', '/', false, null, null],
];

describe('decide', () => {
  for (const [op, path, allow, list, entry] of TABLE) {
    it(`${op} ${path} -> ${allow ? 'allow' : 'deny'} by ${list ?? 'default'}`, () => {
      const d = decide(FS, path, op, ctx);
      expect({ allow: d.allow, list: d.rule?.list ?? null, entry: d.rule?.entry ?? null }).toEqual({ allow, list, entry });
      expect(d.reason.length).toBeGreaterThan(10);
    });
  }

  it('names the file:line of the deciding entry', () => {
    const d = decide(FS, '/home/me/proj/.git/config', 'write', ctx);
    expect(d.rule).toEqual({ list: 'read', pointer: '/filesystem/read/2', entry: '/home/me/proj/.git', origin: { file: 'policy.yaml', line: 12, col: 5 } });
    expect(decide(FS, '/proc/1', 'read', ctx).rule?.origin).toBeNull();
  });

  it('refuses to decide on paths that are not resolved', () => {
    for (const p of ['relative', '/a/../etc', '/a/./b', '/a//b', '/a/', '']) {
      const d = decide(FS, p, 'read', ctx);
      expect(d.allow, p).toBe(false);
      expect(d.reason).toMatch(/not a resolved absolute path/);
    }
  });

  it('applies ~ entries nowhere when the home directory is unknown (grants and masks alike)', () => {
    expect(decide(FS, '/home/me/.cache/pip/x', 'write', { home: null }).allow).toBe(false);
    const masked = { ...FS, read: [...FS.read, '/home'], deny: ['~/.ssh'] };
    expect(decide(masked, '/home/me/.ssh/id_rsa', 'read', { home: null }).allow).toBe(true);
    expect(decide(masked, '/home/me/.ssh/id_rsa', 'read', { home: '/home/me' }).allow).toBe(false);
  });

  it('mounts of the same depth: the later in mount order (tmpfs after read) is on top', () => {
    const fs = { ...FS, read: ['/tmp'], tmpfs: ['/tmp'] };
    expect(decide(fs, '/tmp/x', 'write', { home: null }).rule?.list).toBe('tmpfs');
  });
});
