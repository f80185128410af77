import type { PolicyIR, SyscallAction } from '../../compiler/ir/policy-ir.js';
import { syscallArgs, syscallName, type Abi } from '../../compiler/syscalls/syscall-table.js';
import { constantNames, constantValue } from '../../compiler/syscalls/constants.js';
import { expandGroup } from '../../compiler/syscalls/groups.js';
import { celEval } from '../../compiler/4-lower/seccomp/cel-reference.js';

/**
 * The reference interpreter of the IR's syscalls section: the verdict for one syscall, derived
 * straight from the policy text of docs/seccomp.md#semantics. It shares no code with the
 * compiler's lowering or code generator, and evaluates `when:` with @marcbachmann/cel-js rather
 * than the project's grammar — so that agreement with the emulated BPF is evidence, not
 * tautology. It is deliberately simple and slow.
 */

const constantCache = new Map<Abi, Record<string, bigint>>();
function constantsOf(abi: Abi): Record<string, bigint> {
  let c = constantCache.get(abi);
  if (!c) {
    c = {};
    for (const n of constantNames(abi)) c[n] = constantValue(abi, n)!;
    constantCache.set(abi, c);
  }
  return c;
}

const nameSets = new WeakMap<readonly string[], Set<string>>();
function names(entries: readonly string[]): Set<string> {
  let s = nameSets.get(entries);
  if (!s) {
    s = new Set(entries.flatMap((e) => (e.startsWith('@') ? [...(expandGroup(e) ?? [])] : [e])));
    nameSets.set(entries, s);
  }
  return s;
}

/** The program family an ABI's calls are filtered by. */
const familyOf = (abi: Abi) => (abi === 'aarch64' ? 'aarch64' : 'x86_64');

export function referenceVerdict(ir: PolicyIR, callAbi: Abi, nr: number, args: readonly bigint[]): SyscallAction {
  const sc = ir.syscalls;
  // On x86_64, a number with bit 30 set is an x32 call (arch is still AUDIT_ARCH_X86_64).
  const abi: Abi = callAbi === 'x86_64' && nr >= 0x40000000 ? 'x32' : callAbi;
  if ((abi === 'i386' || abi === 'x32') && sc.compat !== 'allow') return { kind: 'kill-process' };
  const name = syscallName(abi, nr);
  if (name === undefined) return sc.default;
  const widths = syscallArgs(name, abi)!.widths;
  // What the kernel reads: a 32-bit argument is its low word.
  const seen = args.map((a, i) => (widths[i] === 32 ? a & 0xffffffffn : a));
  const holds = (when: string | null) => when === null || celEval(when, seen, constantsOf(abi));

  if (names(sc.deny).has(name)) {
    return sc.default.kind === 'allow' || sc.default.kind === 'log' ? { kind: 'errno', errno: 1 } : sc.default;
  }
  for (const r of sc.rules) if (names(r.syscalls).has(name) && holds(r.when)) return r.action;
  if (names(sc.allow).has(name)) return { kind: 'allow' };
  for (const r of sc.imported?.rules ?? []) {
    if (r.arches && !r.arches.includes(familyOf(abi))) continue;
    if (r.syscalls.includes(name) && holds(r.when)) return r.action;
  }
  return sc.default;
}
