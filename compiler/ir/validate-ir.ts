import type { PolicyIR } from './policy-ir.js';
import { IR_FORMAT } from './policy-ir.js';

/**
 * Invariants of the IR that later phases and the runtime rely on. A violation is a compiler
 * bug (SF9002), never a user error: everything here was checked on the policy text before.
 * Returns [where, detail] of the first violation, or null.
 */
export function validateIR(ir: PolicyIR): [string, string] | null {
  const hostPath = (p: string) => p.startsWith('/') || p === '~' || p.startsWith('~/');
  const checks: [boolean, string, string][] = [
    [ir.format === IR_FORMAT, '/format', `must be ${IR_FORMAT}`],
    [/^[a-z0-9][a-z0-9-]*$/.test(ir.name), '/name', 'must be a policy name'],
    [ir.chain.length >= 1, '/chain', 'must name at least the policy itself'],
    [ir.filesystem.workspace === null || hostPath(ir.filesystem.workspace), '/filesystem/workspace', 'must be absolute or ~/'],
    [ir.filesystem.read.every(hostPath), '/filesystem/read', 'must be absolute or ~/'],
    [ir.filesystem.write.every(hostPath), '/filesystem/write', 'must be absolute or ~/'],
    [ir.filesystem.read.every((r) => !ir.filesystem.write.includes(r)), '/filesystem/read', 'must not repeat a writable path'],
    [ir.network.allow.every((a) => (a.host === null) !== (a.cidr === null)), '/network/allow', 'each entry has exactly one of host, cidr'],
    [ir.network.allow.every((a) => a.ports.every((p) => p.from >= 1 && p.from <= p.to && p.to <= 65535)), '/network/allow', 'ports in 1..65535'],
    [ir.resources.memoryBytes === null || Number.isSafeInteger(ir.resources.memoryBytes), '/resources/memoryBytes', 'integer bytes'],
    [ir.resources.diskBytes === null || Number.isSafeInteger(ir.resources.diskBytes), '/resources/diskBytes', 'integer bytes'],
    [ir.resources.timeoutMs === null || (Number.isSafeInteger(ir.resources.timeoutMs) && ir.resources.timeoutMs > 0), '/resources/timeoutMs', 'positive integer'],
    [ir.resources.cpu === null || ir.resources.cpu > 0, '/resources/cpu', 'positive'],
    [ir.syscalls.default.kind !== 'errno' || (ir.syscalls.default.errno >= 0 && ir.syscalls.default.errno <= 4095), '/syscalls/default', 'errno 0..4095'],
    [ir.env.pass.every((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)), '/env/pass', 'variable names'],
  ];
  for (const [ok, where, detail] of checks) if (!ok) return [where, detail];
  return null;
}
