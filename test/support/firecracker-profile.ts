import { SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG, SECCOMP_RET_TRAP } from '../../compiler/5-emit/seccomp/bpf.js';

/**
 * A direct interpreter of Firecracker's seccompiler JSON (one filter per thread:
 * `{default_action, filter_action, filter: [{syscall, args?}]}`), as the oracle for imported
 * Firecracker profiles. Read from the format as seccompiler documents it (docs/seccompiler.md of
 * firecracker): a syscall is decided by filter_action when ANY of its rules matches, a rule
 * matches when ALL its conditions hold, and otherwise default_action applies; a condition
 * compares argument `index` with `val`, as the low 32 bits (`dword`) or all 64 (`qword`), with
 * eq/ne/lt/le/gt/ge or `{masked_eq: mask}` ((arg & mask) == val). Shares no code with
 * compiler/3-resolve/import-seccomp.ts.
 */

interface FcCondition {
  index: number;
  type: 'dword' | 'qword';
  op: string | { masked_eq: number };
  val: number;
}

interface FcThread {
  default_action: string | { errno: number };
  filter_action: string | { errno: number };
  filter: { syscall: string; args?: FcCondition[] }[];
}

export type FcProfile = Record<string, FcThread>;

function ret(a: FcThread['default_action']): number {
  if (typeof a === 'object') return (SECCOMP_RET_ERRNO | a.errno) >>> 0;
  const r = { allow: SECCOMP_RET_ALLOW, trap: SECCOMP_RET_TRAP, kill_process: SECCOMP_RET_KILL_PROCESS, kill_thread: SECCOMP_RET_KILL_THREAD, kill: SECCOMP_RET_KILL_THREAD, log: SECCOMP_RET_LOG }[a];
  if (r === undefined) throw new Error(`unknown Firecracker action ${a}`);
  return r;
}

function holds(c: FcCondition, args: readonly bigint[]): boolean {
  const raw = args[c.index] ?? 0n;
  const x = c.type === 'dword' ? raw & 0xffffffffn : raw;
  const v = BigInt(c.val);
  if (typeof c.op === 'object') return (x & BigInt(c.op.masked_eq)) === v;
  switch (c.op) {
    case 'eq': return x === v;
    case 'ne': return x !== v;
    case 'lt': return x < v;
    case 'le': return x <= v;
    case 'gt': return x > v;
    case 'ge': return x >= v;
    default: throw new Error(`unknown Firecracker comparison ${c.op}`);
  }
}

/** The SECCOMP_RET value thread `thread`'s filter gives syscall `name` (null: a number with no name). */
export function firecrackerVerdict(p: FcProfile, thread: string, name: string | null, args: readonly bigint[]): number {
  const t = p[thread];
  if (!t) throw new Error(`no thread ${thread}`);
  if (name !== null) {
    for (const r of t.filter) if (r.syscall === name && (r.args ?? []).every((c) => holds(c, args))) return ret(t.filter_action);
  }
  return ret(t.default_action);
}
