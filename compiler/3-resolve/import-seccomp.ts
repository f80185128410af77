import type { ImportedProfileIR, ImportedRuleIR, SeccompArch, SyscallAction } from '../ir/policy-ir.js';
import { isObj } from '../diagnostics/types.js';

/**
 * Converts a seccomp profile into the IR's imported base (docs/seccomp.md#import). Two
 * formats are read:
 * - OCI runtime-spec `linux.seccomp` and Docker/Podman profiles (`defaultAction`, `syscalls[]`
 *   with `names`, `action`, `errnoRet`, `args`, and Docker's `includes`/`excludes`);
 * - Firecracker's seccompiler JSON (`{thread: {default_action, filter_action, filter[]}}`),
 *   one thread's filter chosen with `profile.json#thread`.
 * Conditions become `when:` text in the policy language, so that imported and written rules
 * go through one checker, one code generator and one reference interpreter.
 */

export interface ImportContext {
  /** process.capabilities of the policy: `includes.caps` / `excludes.caps` are evaluated against it. */
  capabilities: readonly string[];
  /** Firecracker thread name given after `#`, or null. */
  filter: string | null;
}

/**
 * `profile.json#thread` names a Firecracker thread filter; a file whose own name ends in
 * `#word` therefore cannot be imported (rename it).
 */
export function splitProfileSpec(spec: string): { file: string; filter: string | null } {
  const m = /#([A-Za-z0-9_-]+)$/.exec(spec);
  return m ? { file: spec.slice(0, m.index), filter: m[1]! } : { file: spec, filter: null };
}

export type ImportResult =
  | { ok: true; profile: Omit<ImportedProfileIR, 'file' | 'sha256'>; skipped: Skipped[] }
  | { ok: false; error: string };

/** An entry left out because of its includes/excludes, with the reason (shown by explain). */
export interface Skipped {
  index: number;
  reason: string;
}

/**
 * Oldest kernel Sandforge supports (openat2(2) arrived in 5.6). Docker evaluates `minKernel`
 * against the running kernel; a compiler has none, so entries needing a newer kernel than
 * this are left out: the profile then grants only what every supported kernel would get.
 */
export const MIN_KERNEL: readonly [number, number] = [5, 6];

/** Go's GOARCH names (Docker) and libseccomp's, per program family of the bundle. */
const ARCH_NAMES: Record<string, SeccompArch> = {
  amd64: 'x86_64', x86_64: 'x86_64', x32: 'x86_64', x86: 'x86_64', '386': 'x86_64', i386: 'x86_64',
  arm64: 'aarch64', aarch64: 'aarch64',
};

const OCI_ACTIONS: Record<string, SyscallAction['kind'] | 'errno'> = {
  SCMP_ACT_ALLOW: 'allow',
  SCMP_ACT_ERRNO: 'errno',
  SCMP_ACT_KILL: 'kill-thread',
  SCMP_ACT_KILL_THREAD: 'kill-thread',
  SCMP_ACT_KILL_PROCESS: 'kill-process',
  SCMP_ACT_TRAP: 'trap',
  SCMP_ACT_LOG: 'log',
};

const EPERM = 1;

function u64(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n) return v;
  return null;
}

const hex = (v: bigint) => (v < 10n ? v.toString() : '0x' + v.toString(16));
/** CEL needs the `u` suffix above the int64 range. */
const lit = (v: bigint) => hex(v) + (v >= 1n << 63n ? 'u' : '');

function ociAction(action: unknown, errnoRet: unknown, where: string): SyscallAction | string {
  if (typeof action !== 'string' || !(action in OCI_ACTIONS)) {
    return `${where}: action ${JSON.stringify(action)} is not supported (allowed: ${Object.keys(OCI_ACTIONS).join(', ')})`;
  }
  const kind = OCI_ACTIONS[action]!;
  if (kind !== 'errno') return { kind } as SyscallAction;
  if (errnoRet === undefined || errnoRet === null) return { kind: 'errno', errno: EPERM };
  if (typeof errnoRet !== 'number' || !Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > 4095) {
    return `${where}: errnoRet must be an integer 0..4095`;
  }
  return { kind: 'errno', errno: errnoRet };
}

const OCI_OPS: Record<string, string> = {
  SCMP_CMP_NE: '!=', SCMP_CMP_LT: '<', SCMP_CMP_LE: '<=', SCMP_CMP_EQ: '==', SCMP_CMP_GE: '>=', SCMP_CMP_GT: '>',
};

type Part = string | { error: string };

/**
 * The `when:` text of a profile entry's argument comparisons, all of which must hold
 * (libseccomp seccomp_rule_add_array(3); seccompiler likewise): checks the list and each
 * comparison's index, and lets `one` render the comparison itself.
 */
function conditionOf(args: unknown, where: string, one: (a: Record<string, unknown>, index: number, w: string) => Part): string | null | { error: string } {
  if (args === undefined || args === null) return null;
  if (!Array.isArray(args)) return { error: `${where}.args must be a list` };
  const parts: string[] = [];
  for (const [i, a] of args.entries()) {
    const w = `${where}.args[${i}]`;
    if (!isObj(a)) return { error: `${w} must be an object` };
    const index = a['index'];
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 5) return { error: `${w}.index must be 0..5` };
    const part = one(a, index, w);
    if (typeof part !== 'string') return part;
    parts.push(part);
  }
  return parts.length === 0 ? null : parts.join(' && ');
}

function ociCondition(args: unknown, where: string): string | null | { error: string } {
  return conditionOf(args, where, (a, index, w) => {
    const value = u64(a['value']);
    if (value === null || value >= 1n << 64n) return { error: `${w}.value must be an unsigned 64-bit integer` };
    const op = a['op'];
    if (op === 'SCMP_CMP_MASKED_EQ') {
      const two = u64(a['valueTwo'] ?? 0);
      if (two === null || two >= 1n << 64n) return { error: `${w}.valueTwo must be an unsigned 64-bit integer` };
      return `args[${index}].masked(${lit(value)}) == ${lit(two)}`;
    }
    if (typeof op === 'string' && op in OCI_OPS) return `args[${index}] ${OCI_OPS[op]} ${lit(value)}`;
    return { error: `${w}.op ${JSON.stringify(op)} is not a libseccomp comparison` };
  });
}

function kernelAtLeast(v: unknown, min: readonly [number, number]): boolean | string {
  if (typeof v !== 'string' || !/^\d+\.\d+/.test(v)) return `minKernel ${JSON.stringify(v)} is not a version like "4.8"`;
  const [a, b] = v.split('.').map(Number) as [number, number];
  return min[0] > a || (min[0] === a && min[1] >= b);
}

/** Does an entry's includes/excludes apply? Returns the arches it is limited to, or why it is skipped. */
function filters(entry: Record<string, unknown>, ctx: ImportContext, where: string):
  { arches: SeccompArch[] | null } | { skip: string } | { error: string } {
  const inc = isObj(entry['includes']) ? entry['includes'] : {};
  const exc = isObj(entry['excludes']) ? entry['excludes'] : {};
  const list = (o: Record<string, unknown>, k: string): string[] | null => {
    const v = o[k];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  };
  const incCaps = list(inc, 'caps') ?? [];
  const missing = incCaps.filter((c) => !ctx.capabilities.includes(c));
  if (missing.length > 0) return { skip: `needs ${missing.join(', ')}` };
  const excCaps = (list(exc, 'caps') ?? []).filter((c) => ctx.capabilities.includes(c));
  if (excCaps.length > 0) return { skip: `not with ${excCaps.join(', ')}` };
  for (const [o, k, want] of [[inc, 'minKernel', true], [exc, 'minKernel', false]] as const) {
    if (o[k] === undefined) continue;
    const ok = kernelAtLeast(o[k], MIN_KERNEL);
    if (typeof ok === 'string') return { error: `${where}: ${ok}` };
    if (ok !== want) return { skip: `${want ? 'needs' : 'not on'} kernel ${o[k] as string} (Sandforge assumes ≥ ${MIN_KERNEL.join('.')})` };
  }
  let arches: SeccompArch[] | null = null;
  const incArches = list(inc, 'arches');
  if (incArches && incArches.length > 0) {
    arches = [...new Set(incArches.map((a) => ARCH_NAMES[a]).filter((a): a is SeccompArch => a !== undefined))].sort();
    if (arches.length === 0) return { skip: `only for ${incArches.join(', ')}` };
  }
  const excArches = new Set((list(exc, 'arches') ?? []).map((a) => ARCH_NAMES[a]).filter((a) => a !== undefined));
  if (excArches.size > 0) {
    arches = (arches ?? (['aarch64', 'x86_64'] as SeccompArch[])).filter((a) => !excArches.has(a));
    if (arches.length === 0) return { skip: 'excluded on every supported architecture' };
  }
  return { arches };
}

function importOci(doc: Record<string, unknown>, ctx: ImportContext): ImportResult {
  const def = ociAction(doc['defaultAction'], doc['defaultErrnoRet'], 'defaultAction');
  if (typeof def === 'string') return { ok: false, error: def };
  const calls = doc['syscalls'] ?? [];
  if (!Array.isArray(calls)) return { ok: false, error: 'syscalls must be a list' };
  const rules: ImportedRuleIR[] = [];
  const skipped: Skipped[] = [];
  for (const [i, entry] of calls.entries()) {
    const where = `syscalls[${i}]`;
    if (!isObj(entry)) return { ok: false, error: `${where} must be an object` };
    const names = entry['names'] ?? (typeof entry['name'] === 'string' ? [entry['name']] : undefined);
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && /^[a-z_][a-z0-9_]*$/.test(n))) {
      return { ok: false, error: `${where}.names must be a list of syscall names` };
    }
    const f = filters(entry, ctx, where);
    if ('error' in f) return { ok: false, error: f.error };
    if ('skip' in f) {
      skipped.push({ index: i, reason: f.skip });
      continue;
    }
    const action = ociAction(entry['action'], entry['errnoRet'], where);
    if (typeof action === 'string') return { ok: false, error: action };
    const when = ociCondition(entry['args'], where);
    if (when !== null && typeof when === 'object') return { ok: false, error: when.error };
    if (names.length > 0) rules.push({ syscalls: names as string[], when, action, arches: f.arches });
  }
  return { ok: true, profile: { format: 'oci', filter: null, default: def, rules }, skipped };
}

const FC_ACTIONS: Record<string, SyscallAction['kind']> = {
  allow: 'allow', trap: 'trap', kill_process: 'kill-process', kill_thread: 'kill-thread', kill: 'kill-thread', log: 'log',
};

function fcAction(v: unknown, where: string): SyscallAction | string {
  if (typeof v === 'string' && v in FC_ACTIONS) return { kind: FC_ACTIONS[v]! } as SyscallAction;
  if (isObj(v) && typeof v['errno'] === 'number' && Number.isInteger(v['errno']) && v['errno'] >= 0 && v['errno'] <= 4095) {
    return { kind: 'errno', errno: v['errno'] };
  }
  return `${where}: action ${JSON.stringify(v)} is not supported`;
}

const FC_OPS: Record<string, string> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

function fcCondition(args: unknown, where: string): string | null | { error: string } {
  return conditionOf(args, where, (a, index, w) => {
    const val = u64(a['val']);
    const type = a['type'];
    if (type !== 'dword' && type !== 'qword') return { error: `${w}.type must be dword or qword` };
    const width = type === 'dword' ? 32n : 64n;
    if (val === null || val >= 1n << width) return { error: `${w}.val must be an unsigned ${width}-bit integer` };
    // A dword compares the low 32 bits only, whatever the kernel's type of the argument.
    const full = (1n << width) - 1n;
    const op = a['op'];
    if (isObj(op) && Object.keys(op).length === 1 && 'masked_eq' in op) {
      const mask = u64(op['masked_eq']);
      if (mask === null || mask > full) return { error: `${w}.op.masked_eq must be an unsigned ${width}-bit mask` };
      return `args[${index}].masked(${lit(mask)}) == ${lit(val)}`;
    }
    if (typeof op === 'string' && op in FC_OPS) {
      const arg = width === 32n ? `args[${index}].masked(0xffffffff)` : `args[${index}]`;
      return `${arg} ${FC_OPS[op]} ${lit(val)}`;
    }
    return { error: `${w}.op ${JSON.stringify(op)} is not a seccompiler comparison` };
  });
}

function importFirecracker(doc: Record<string, unknown>, ctx: ImportContext): ImportResult {
  const threads = Object.keys(doc);
  if (ctx.filter === null) {
    return { ok: false, error: `a Firecracker profile holds one filter per thread; name one after "#": ${threads.map((t) => '#' + t).join(', ')}` };
  }
  const t = doc[ctx.filter];
  if (!Object.prototype.hasOwnProperty.call(doc, ctx.filter) || !isObj(t)) {
    return { ok: false, error: `no filter "${ctx.filter}" in the profile (it has ${threads.join(', ')})` };
  }
  const def = fcAction(t['default_action'], 'default_action');
  if (typeof def === 'string') return { ok: false, error: def };
  const act = fcAction(t['filter_action'], 'filter_action');
  if (typeof act === 'string') return { ok: false, error: act };
  const list = t['filter'];
  if (!Array.isArray(list)) return { ok: false, error: 'filter must be a list' };
  const rules: ImportedRuleIR[] = [];
  for (const [i, r] of list.entries()) {
    const where = `${ctx.filter}.filter[${i}]`;
    if (!isObj(r) || typeof r['syscall'] !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(r['syscall'])) {
      return { ok: false, error: `${where}.syscall must be a syscall name` };
    }
    const when = fcCondition(r['args'], where);
    if (when !== null && typeof when === 'object') return { ok: false, error: when.error };
    // Entries for one syscall are alternatives: any match gives filter_action.
    rules.push({ syscalls: [r['syscall']], when, action: act, arches: null });
  }
  return { ok: true, profile: { format: 'firecracker', filter: ctx.filter, default: def, rules }, skipped: [] };
}

/** Reads either format from parsed JSON. */
export function importSeccompProfile(doc: unknown, ctx: ImportContext): ImportResult {
  if (!isObj(doc)) return { ok: false, error: 'a seccomp profile is a JSON object' };
  if ('defaultAction' in doc || 'syscalls' in doc) {
    if (ctx.filter !== null) return { ok: false, error: `"#${ctx.filter}" selects a Firecracker thread filter, but this is an OCI/Docker profile` };
    return importOci(doc, ctx);
  }
  const vals = Object.values(doc);
  if (vals.length > 0 && vals.every((v) => isObj(v) && 'default_action' in v && 'filter' in v)) return importFirecracker(doc, ctx);
  return { ok: false, error: 'not a seccomp profile: expected an OCI/Docker profile (defaultAction, syscalls) or a Firecracker one ({thread: {default_action, filter_action, filter}})' };
}
