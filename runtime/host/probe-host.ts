import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

export interface PackageStatus {
  name: string;
  why: string;
  tests: boolean;
  installed: boolean;
}

export interface HostReport {
  kernel: string;
  packages: PackageStatus[];
  features: { name: string; ok: boolean; detail: string }[];
}

function read(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

let memo: HostReport | null = null;

/** What this host has, probed once per process (memoised). */
export function probeHost(): HostReport {
  if (memo) return memo;
  const list = JSON.parse(readFileSync(join(packageRoot(), 'scripts/system-packages.json'), 'utf8')) as {
    packages: { name: string; why: string; tests: boolean; file?: string }[];
  };
  const packages = list.packages.map((p) => {
    const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', p.name], { encoding: 'utf8' });
    const viaDpkg = !q.error && q.status === 0 && q.stdout.includes('install ok installed');
    const installed = (q.error ? false : viaDpkg) && (!p.file || existsSync(p.file));
    return { name: p.name, why: p.why, tests: p.tests, installed };
  });
  const status = read('/proc/self/status') ?? '';
  const lsm = read('/sys/kernel/security/lsm') ?? '';
  const maxUserNs = Number((read('/proc/sys/user/max_user_namespaces') ?? '0').trim());
  const cgroupV2Root = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const hybrid = !cgroupV2Root && existsSync('/sys/fs/cgroup/unified/cgroup.procs');
  const features = [
    { name: 'seccomp filter', ok: /^Seccomp:/m.test(status), detail: /^Seccomp_filters:/m.test(status) ? 'SECCOMP_MODE_FILTER available' : 'no Seccomp line in /proc/self/status' },
    { name: 'user namespaces', ok: maxUserNs > 0, detail: `max_user_namespaces=${maxUserNs}` },
    {
      name: 'cgroups',
      ok: cgroupV2Root || hybrid || existsSync('/sys/fs/cgroup/memory'),
      detail: cgroupV2Root ? 'v2 (unified) at /sys/fs/cgroup' : hybrid ? 'hybrid: v1 controllers, v2 at /sys/fs/cgroup/unified' : 'v1 only',
    },
    { name: 'bpf filesystem', ok: existsSync('/sys/fs/bpf'), detail: '/sys/fs/bpf' },
    { name: 'landlock', ok: lsm.includes('landlock'), detail: lsm.trim() || 'no /sys/kernel/security/lsm' },
  ];
  const kernel = (read('/proc/sys/kernel/osrelease') ?? 'unknown').trim();
  memo = { kernel, packages, features };
  return memo;
}
