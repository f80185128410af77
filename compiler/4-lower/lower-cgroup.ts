import type { Span } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import type { PolicyIR } from '../ir/policy-ir.js';
import type { Lowered } from './lower-mounts.js';

/** Below this nothing starts: the first exec would be OOM-killed. */
export const MIN_MEMORY = 4 * 1024 * 1024;
/** CFS period used for cpu.max / cpu.cfs_period_us (the kernel's default, 100 ms). */
export const CPU_PERIOD_US = 100_000;

/**
 * Resource limits as cgroup files. `v2` holds the unified-hierarchy keys
 * (Documentation/admin-guide/cgroup-v2.rst); `v1` the legacy controllers' equivalents for
 * hybrid hosts (cgroup-v1/memory.rst, pids.rst, sched-bwc.rst). Values are the strings to
 * write. A limit the policy does not set is absent (the runner writes nothing for it).
 * The policy language v1 has no I/O bandwidth key, so io.max / blkio are never written.
 */
export interface CgroupPlan {
  format: 'sandforge-cgroup/1';
  v2: Record<string, string>;
  v1: { memory: Record<string, string>; pids: Record<string, string>; cpu: Record<string, string> };
  timeoutMs: number | null;
}

export function lowerCgroup(ir: PolicyIR, span: (ptr: string) => Span | undefined): Lowered<CgroupPlan> {
  const r = ir.resources;
  const v2: Record<string, string> = {};
  const v1: CgroupPlan['v1'] = { memory: {}, pids: {}, cpu: {} };
  const origins: Record<string, string> = {};
  const ds = [];
  if (r.memoryBytes !== null) {
    if (r.memoryBytes < MIN_MEMORY) ds.push(diag('SF4001', { found: r.memoryBytes, limit: MIN_MEMORY }, span('/resources/memory')));
    const m = String(r.memoryBytes);
    v2['memory.max'] = m;
    v2['memory.swap.max'] = '0';
    // v1: memsw = memory + swap, so equal limits mean no swap (needs swap accounting).
    v1.memory['memory.limit_in_bytes'] = m;
    v1.memory['memory.memsw.limit_in_bytes'] = m;
    for (const k of ['/v2/memory.max', '/v2/memory.swap.max', '/v1/memory/memory.limit_in_bytes', '/v1/memory/memory.memsw.limit_in_bytes']) origins[k] = '/resources/memory';
  }
  if (r.pids !== null) {
    v2['pids.max'] = String(r.pids);
    v1.pids['pids.max'] = String(r.pids);
    origins['/v2/pids.max'] = origins['/v1/pids/pids.max'] = '/resources/pids';
  }
  if (r.cpu !== null) {
    const quota = Math.max(1000, Math.round(r.cpu * CPU_PERIOD_US));
    v2['cpu.max'] = `${quota} ${CPU_PERIOD_US}`;
    v1.cpu['cpu.cfs_quota_us'] = String(quota);
    v1.cpu['cpu.cfs_period_us'] = String(CPU_PERIOD_US);
    origins['/v2/cpu.max'] = origins['/v1/cpu/cpu.cfs_quota_us'] = origins['/v1/cpu/cpu.cfs_period_us'] = '/resources/cpu';
  }
  if (r.timeoutMs !== null) origins['/timeoutMs'] = '/resources/timeout';
  return { value: { format: 'sandforge-cgroup/1', v2, v1, timeoutMs: r.timeoutMs }, origins, diagnostics: ds };
}
