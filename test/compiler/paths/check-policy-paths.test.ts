import { describe, expect, it } from 'vitest';
import { loadChain } from '../../../compiler/3-resolve/load-chain.js';
import { mergeChain, writeImpliesRead } from '../../../compiler/3-resolve/merge-chain.js';
import { checkPolicyPaths } from '../../../compiler/paths/check-policy-paths.js';
import { memoryHost } from '../../property/support.js';

/** SF3100–SF3102 on small policies compiled through an in-memory SourceHost. */
function check(files: Record<string, string>, existing: string[] = []) {
  const map = new Map(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)]));
  const host = memoryHost(map, existing, (abs) => abs.replace('/p/', ''));
  const loaded = loadChain('/p/policy.yaml', host);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const merged = writeImpliesRead(mergeChain(loaded.chain));
  return checkPolicyPaths(loaded.chain, merged, host.exists).map((d) => `${d.code} ${d.span?.file}:${d.span?.line}:${d.span?.col} ${d.message}`);
}

const head = 'version: 1\nname: t\nextends: none\n';

describe('checkPolicyPaths', () => {
  it('SF3100: relative read/write paths must exist next to the policy; absolute and ~ are not checked', () => {
    const out = check({ '/p/policy.yaml': head + 'filesystem:\n  read: [./docs, ./missing, /nowhere, ~/nothing]\n  write: [../out]\n' }, ['/p/docs']);
    expect(out).toEqual([
      'SF3100 policy.yaml:5:18 filesystem.read entry ./missing does not exist next to the policy (/p/missing)',
      'SF3100 policy.yaml:6:11 filesystem.write entry ../out does not exist next to the policy (/p/../out)',
    ]);
  });

  it('SF3100 points into the file that wrote the path, relative to that file', () => {
    const out = check({
      '/p/policy.yaml': 'version: 1\nname: t\nextends: ./lib/base.yaml\n',
      '/p/lib/base.yaml': head + 'filesystem:\n  read: [./data]\n',
    }, ['/p/data']);
    expect(out).toEqual(['SF3100 lib/base.yaml:5:10 filesystem.read entry ./data does not exist next to the policy (/p/lib/data)']);
  });

  it('SF3101: a grant masked entirely by a deny path or glob, also one inherited', () => {
    const out = check({ '/p/policy.yaml': 'version: 1\nname: t\nextends: agent\nfilesystem:\n  read: [~/.ssh/config, /srv/app/.env, /srv/app]\n  write: [/srv/x/.git]\n  deny: ["**/.git"]\n' });
    expect(out).toEqual([
      'SF3101 policy.yaml:5:10 filesystem.read entry ~/.ssh/config is masked entirely by filesystem.deny entry ~/.ssh; it grants nothing',
      'SF3101 policy.yaml:5:25 filesystem.read entry /srv/app/.env is masked entirely by filesystem.deny entry **/.env; it grants nothing',
      'SF3101 policy.yaml:6:11 filesystem.write entry /srv/x/.git is masked entirely by filesystem.deny entry **/.git; it grants nothing',
    ]);
  });

  it('SF3102: a grant inside another grant with the same access; read-only islands are fine', () => {
    const out = check({ '/p/policy.yaml': head + 'filesystem:\n  workspace: .\n  read: [/usr, /usr/share, ./.git, ./.git/info]\n  write: [./build, /var/tmp/x/y, /var/tmp/x]\n' }, ['/p/.git', '/p/.git/info', '/p/build']);
    expect(out).toEqual([
      'SF3102 policy.yaml:6:16 /usr/share is already readable through filesystem.read entry /usr',
      'SF3102 policy.yaml:6:36 /p/.git/info is already readable through filesystem.read entry /p/.git',
      'SF3102 policy.yaml:7:11 /p/build is already writable through the workspace /p',
      'SF3102 policy.yaml:7:20 /var/tmp/x/y is already writable through filesystem.write entry /var/tmp/x',
    ]);
  });

  it('reports nothing about the built-in profiles, nor about a clean policy', () => {
    expect(check({ '/p/policy.yaml': 'version: 1\nname: t\nextends: agent\n' })).toEqual([]);
    expect(check({ '/p/policy.yaml': 'version: 1\nname: t\nextends: strict\nfilesystem:\n  read: [/opt/tools]\n  write: [~/.cache/pip]\n' })).toEqual([]);
  });
});
