import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin/sandforge.cjs');
let tmp: string;

function sf(args: string[], cwd = root, input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', input, env: { ...process.env, SANDFORGE_DEBUG: '' } });
  // No stack trace ever reaches a user.
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, pre: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(join(d, n.name), pre + n.name + '/');
      else out[pre + n.name] = readFileSync(join(d, n.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/runtime/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it in pretest)');
  tmp = mkdtempSync(join(tmpdir(), 'sandforge-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sandforge compile / verify', () => {
  it('compiles the README example into a bundle that verifies', () => {
    const out = join(tmp, 'out');
    const r = sf(['compile', 'policies/examples/agent.yaml', '-o', out]);
    expect(r.code).toBe(0);
    expect(Object.keys(readTree(out)).sort()).toEqual(['cgroup.json', 'env.json', 'manifest.json', 'mounts.json', 'policy.json', 'seccomp/aarch64.bpf', 'seccomp/aarch64.txt', 'seccomp/oci.json', 'seccomp/x86_64.bpf', 'seccomp/x86_64.txt', 'sourcemap.json']);
    expect(sf(['verify', out]).code).toBe(0);
    // nothing left beside the bundle
    expect(readdirSync(tmp)).toEqual(['out']);
  });

  it('is byte-for-byte deterministic, whatever the working directory and locale', () => {
    const a = join(tmp, 'a');
    const b = join(tmp, 'b');
    expect(sf(['compile', 'policies/examples/agent.yaml', '-o', a]).code).toBe(0);
    const r = spawnSync(process.execPath, [bin, 'compile', join(root, 'policies/examples/agent.yaml'), '-o', b], {
      cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'Pacific/Kiritimati' },
    });
    expect(r.status).toBe(0);
    expect(readTree(b)).toEqual(readTree(a));
  });

  it('recompiles over an existing bundle but refuses to overwrite another directory', () => {
    const out = join(tmp, 'again');
    expect(sf(['compile', 'policies/examples/agent.yaml', '-o', out]).code).toBe(0);
    expect(sf(['compile', 'policies/examples/agent.yaml', '-o', out]).code).toBe(0);
    const other = join(tmp, 'precious');
    mkdirSync(other);
    writeFileSync(join(other, 'thesis.txt'), 'do not delete');
    const r = sf(['compile', 'policies/examples/agent.yaml', '-o', other]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SF7007');
    expect(readFileSync(join(other, 'thesis.txt'), 'utf8')).toBe('do not delete');
  });

  it('verify detects a modified, a missing, an extra artifact and a foreign format', () => {
    const fresh = (name: string) => {
      const d = join(tmp, name);
      expect(sf(['compile', 'policies/examples/agent.yaml', '-o', d]).code).toBe(0);
      return d;
    };
    const mod = fresh('mod');
    writeFileSync(join(mod, 'cgroup.json'), readFileSync(join(mod, 'cgroup.json'), 'utf8').replace('2147483648', '9147483648'));
    let r = sf(['verify', mod]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SF7001: cgroup\.json: sha256 is [0-9a-f]{64}, manifest says/);

    const miss = fresh('miss');
    unlinkSync(join(miss, 'env.json'));
    r = sf(['verify', miss]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SF7003');

    const extra = fresh('extra');
    writeFileSync(join(extra, 'seccomp.bpf'), 'x');
    r = sf(['verify', extra]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SF7004: seccomp.bpf');

    const fmt = fresh('fmt');
    const m = JSON.parse(readFileSync(join(fmt, 'manifest.json'), 'utf8'));
    m.format = 'sandforge-bundle/99';
    writeFileSync(join(fmt, 'manifest.json'), JSON.stringify(m));
    r = sf(['verify', fmt]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SF7002');

    r = sf(['verify', join(tmp, 'nonexistent')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SF7005');
  });
});

const broken = `version: 1
name: Broken
netwrk: {}
resources:
  memory: 12 parsecs
network:
  mode: opne
`;

describe('sandforge lint', () => {
  it('shows every problem of a file with file:line:col, the source line and a caret', () => {
    writeFileSync(join(tmp, 'broken.yaml'), broken);
    const r = sf(['lint', 'broken.yaml'], tmp);
    expect(r.code).toBe(1);
    expect(r.err).toContain('broken.yaml:2:7: error SF2005');
    expect(r.err).toContain('broken.yaml:3:1: error SF2002: unknown key "netwrk" in the policy; did you mean "network"?');
    expect(r.err).toContain('broken.yaml:5:11: error SF2006');
    expect(r.err).toContain('broken.yaml:7:9: error SF2004');
    expect(r.err).toContain('did you mean "open"?');
    expect(r.err).toContain('  3 | netwrk: {}\n    | ^^^^^^');
    expect(r.err).toContain('4 errors, 0 warnings');
  });

  it('emits SARIF 2.1.0 with rules and regions', () => {
    writeFileSync(join(tmp, 'broken.yaml'), broken);
    const r = sf(['lint', '--format', 'sarif', 'broken.yaml'], tmp);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('sandforge');
    expect(run.results).toHaveLength(4);
    const ids = run.tool.driver.rules.map((x: { id: string }) => x.id);
    for (const res of run.results) {
      expect(ids[res.ruleIndex]).toBe(res.ruleId);
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('broken.yaml');
      expect(res.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
  });

  it('emits GitHub annotations and JSON', () => {
    writeFileSync(join(tmp, 'broken.yaml'), broken);
    const gh = sf(['lint', '--format', 'github', 'broken.yaml'], tmp);
    expect(gh.out.split('\n')).toContain('::error file=broken.yaml,line=3,col=1,endColumn=7,title=SF2002::unknown key "netwrk" in the policy; did you mean "network"?');
    const js = JSON.parse(sf(['lint', '--format', 'json', 'broken.yaml'], tmp).out);
    expect(js.diagnostics.map((d: { code: string }) => d.code)).toEqual(['SF2005', 'SF2002', 'SF2006', 'SF2004']);
  });

  it('warns about risky choices, and --strict turns warnings into failure', () => {
    writeFileSync(join(tmp, 'risky.yaml'), 'version: 1\nname: risky\nextends: none\nnetwork:\n  mode: open\n');
    let r = sf(['lint', 'risky.yaml'], tmp);
    expect(r.code).toBe(0);
    expect(r.err).toContain('risky.yaml:5:9: warning SF6001');
    expect(r.err).toContain('warning SF6005');
    r = sf(['lint', '--strict', 'risky.yaml'], tmp);
    expect(r.code).toBe(1);
  });

  it('lints many files and quoted globs; every shipped policy is clean', () => {
    const r = sf(['lint', '--strict', 'policies/*.yaml', 'policies/examples/*.yaml']);
    expect(r.err).toContain('policies checked, no problems');
    expect(r.code).toBe(0);
  });
});

describe('sandforge explain / doctor / usage', () => {
  it('explain annotates each value with its origin', () => {
    const r = sf(['explain', 'policies/examples/agent.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/memory: 2GiB\s+# policies\/examples\/agent\.yaml:\d+:\d+/);
    expect(r.out).toMatch(/- ~\/\.ssh\s+# builtin:agent:\d+:\d+/);
    expect(r.out).toMatch(/- "\*\*\/\.env"\s+# builtin:agent/);
  });

  it('explain reads a verified bundle', () => {
    const out = join(tmp, 'explain-bundle');
    expect(sf(['compile', 'policies/examples/agent.yaml', '-o', out]).code).toBe(0);
    const r = sf(['explain', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/memoryBytes: 2147483648\s+# agent\.yaml:\d+:\d+/);
  });

  it('doctor lists the system packages and kernel features', () => {
    const r = sf(['doctor']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bubblewrap/);
    expect(r.out).toMatch(/cgroups/);
    const j = JSON.parse(sf(['doctor', '--json']).out);
    expect(j.packages.map((p: { name: string }) => p.name)).toContain('linux-libc-dev');
  });

  it('usage errors exit 2 with a message, policy errors exit 1', () => {
    expect(sf(['frobnicate']).code).toBe(2);
    expect(sf(['compile', 'policies/examples/agent.yaml']).code).toBe(2);
    expect(sf(['lint', '--format', 'xml', 'x.yaml']).code).toBe(2);
    expect(sf(['lint', '--bogus', 'x.yaml']).code).toBe(2);
    const r = sf(['compile', join(tmp, 'missing.yaml'), '-o', join(tmp, 'never')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('SF1012');
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });
});
