import type { PolicyIR, SeccompArch, SyscallAction } from '../../ir/policy-ir.js';
import { syscallArgs, syscallEntries, type Abi } from '../../syscalls/syscall-table.js';
import { constantValue } from '../../syscalls/constants.js';
import { expandEntries } from '../../syscalls/groups.js';
import type { Pred } from './pred.js';
import { lowerCondition, simplifyPred } from './lower-condition.js';
import { parseCondition } from '../../2-validate/condition/parse-condition.js';
import type { Expr } from '../../2-validate/condition/ast.js';

/**
 * Phase 4: the syscalls section as one verdict function per (ABI, syscall number): an ordered
 * list of (condition, action) ending in an unconditional action. Implements the semantics of
 * docs/seccomp.md#semantics; the emitter turns it into BPF, the reference interpreter
 * (test/support) re-derives verdicts from the IR text independently.
 */

/** Where a verdict comes from: an IR pointer (for the sourcemap) and a short description. */
export interface Why {
  ptr: string | null;
  text: string;
}

export interface Step {
  pred: Pred;
  action: SyscallAction;
  why: Why;
}

/** The verdict of one syscall: the first step whose predicate holds, else the fallback. */
export interface Verdict {
  steps: Step[];
  fallback: { action: SyscallAction; why: Why };
}

export interface AbiSection {
  abi: Abi;
  /** Table entries, by number; numbers absent from the table get `other`. */
  syscalls: { nr: number; name: string; verdict: Verdict }[];
  /** Numbers the table does not name: the default action. */
  other: Verdict;
}

export interface SeccompPlan {
  arch: SeccompArch;
  /** The native ABI first; then i386 and x32 on x86_64 when compat is allowed. */
  sections: AbiSection[];
  /** Foreign architectures, and x32 / i386 when compat is denied. */
  abiDeny: { action: SyscallAction; why: Why };
}

/** What `compat: deny` and a foreign architecture get: the process is killed, as by libseccomp's default bad-arch action. */
export const ABI_DENY_ACTION: SyscallAction = { kind: 'kill-process' };

const TRUE: Pred = { kind: 'const', value: true };

export function abisOf(arch: SeccompArch, compat: 'deny' | 'allow'): Abi[] {
  if (arch === 'aarch64') return ['aarch64'];
  return compat === 'allow' ? ['x86_64', 'i386', 'x32'] : ['x86_64'];
}

export function sameAction(a: SyscallAction, b: SyscallAction): boolean {
  return a.kind === b.kind && (a.kind !== 'errno' || a.errno === (b as { errno: number }).errno);
}

/** Deny entries take the default action when it denies, else EPERM (docs/seccomp.md#semantics). */
export function denyAction(def: SyscallAction): SyscallAction {
  return def.kind === 'allow' || def.kind === 'log' ? { kind: 'errno', errno: 1 } : def;
}

/** Index of each syscall name in a list of names and @groups: name -> first entry naming it. */
function nameIndex(entries: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  entries.forEach((e, i) => {
    for (const n of expandEntries([e])) if (!m.has(n)) m.set(n, i);
  });
  return m;
}

interface RuleLike {
  names: ReadonlySet<string>;
  when: string | null;
  action: SyscallAction;
  why: Why;
  arches: readonly SeccompArch[] | null;
}

function rulesOf(list: readonly { syscalls: string[]; when: string | null; action: SyscallAction; arches?: SeccompArch[] | null }[], base: string, what: string): RuleLike[] {
  return list.map((r, i) => ({
    names: new Set(expandEntries(r.syscalls)),
    when: r.when,
    action: r.action,
    why: { ptr: `${base}/${i}`, text: `${what} ${i + 1}${r.when ? ` when ${r.when}` : ''}` },
    arches: r.arches ?? null,
  }));
}

export function lowerSeccomp(ir: PolicyIR, arch: SeccompArch): SeccompPlan {
  const sc = ir.syscalls;
  const deny = nameIndex(sc.deny);
  const allow = nameIndex(sc.allow);
  const rules = rulesOf(sc.rules, '/syscalls/rules', 'rule');
  const imported = sc.imported ? rulesOf(sc.imported.rules, '/syscalls/imported/rules', 'imported entry').filter((r) => !r.arches || r.arches.includes(arch)) : [];
  const defaultWhy: Why = { ptr: '/syscalls/default', text: 'default' };
  const predCache = new Map<string, Pred>();
  const parsedCache = new Map<string, Expr>();

  const predFor = (when: string | null, name: string, abi: Abi): Pred => {
    if (when === null) return TRUE;
    const key = `${abi}\0${name}\0${when}`;
    let p = predCache.get(key);
    if (!p) {
      let expr = parsedCache.get(when);
      if (!expr) {
        const parsed = parseCondition(when);
        if (!parsed.expr) throw new Error(`condition reached lowering unparsed: ${when}`);
        expr = parsed.expr;
        parsedCache.set(when, expr);
      }
      const args = syscallArgs(name, abi);
      if (!args) throw new Error(`no argument widths for ${name} on ${abi}`);
      p = simplifyPred(lowerCondition(expr, args.widths, (c) => {
        const v = constantValue(abi, c);
        if (v === undefined) throw new Error(`unknown constant ${c} reached lowering`);
        return v;
      }));
      predCache.set(key, p);
    }
    return p;
  };

  /** Appends the rules naming `name`; returns true when one of them always matches. */
  const addSteps = (steps: Step[], list: readonly RuleLike[], name: string, abi: Abi): boolean => {
    for (const r of list) {
      if (!r.names.has(name)) continue;
      const pred = predFor(r.when, name, abi);
      if (pred.kind === 'const' && !pred.value) continue;
      steps.push({ pred, action: r.action, why: r.why });
      if (pred.kind === 'const') return true;
    }
    return false;
  };

  const verdictOf = (name: string, abi: Abi): Verdict => {
    const d = deny.get(name);
    if (d !== undefined) return { steps: [], fallback: { action: denyAction(sc.default), why: { ptr: `/syscalls/deny/${d}`, text: `deny ${sc.deny[d]}` } } };
    const steps: Step[] = [];
    let fallback: Verdict['fallback'] | null = null;
    if (addSteps(steps, rules, name, abi)) {
      const last = steps.pop()!;
      fallback = { action: last.action, why: last.why };
    } else {
      const a = allow.get(name);
      if (a !== undefined) fallback = { action: { kind: 'allow' }, why: { ptr: `/syscalls/allow/${a}`, text: `allow ${sc.allow[a]}` } };
      else if (addSteps(steps, imported, name, abi)) {
        const last = steps.pop()!;
        fallback = { action: last.action, why: last.why };
      }
    }
    fallback ??= { action: sc.default, why: defaultWhy };
    // A last step with the fallback's action changes nothing: drop it, so that a syscall whose
    // outcome never depends on its arguments is decided without loading them.
    while (steps.length > 0 && sameAction(steps[steps.length - 1]!.action, fallback.action)) steps.pop();
    // Adjacent steps with one action are one step whose condition is either's: same verdicts,
    // and the OCI export then needs no "no earlier step held" between them.
    const merged: Step[] = [];
    for (const s of steps) {
      const last = merged[merged.length - 1];
      if (last && sameAction(last.action, s.action)) {
        last.pred = { kind: 'or', ps: [...(last.pred.kind === 'or' ? last.pred.ps : [last.pred]), s.pred] };
      } else merged.push({ ...s });
    }
    return { steps: merged, fallback };
  };

  const sections: AbiSection[] = abisOf(arch, sc.compat).map((abi) => ({
    abi,
    syscalls: syscallEntries(abi).map(([name, nr]) => ({ nr, name, verdict: verdictOf(name, abi) })),
    other: { steps: [], fallback: { action: sc.default, why: defaultWhy } },
  }));
  return { arch, sections, abiDeny: { action: ABI_DENY_ACTION, why: { ptr: '/syscalls/compat', text: arch === 'x86_64' && sc.compat === 'deny' ? 'foreign architecture or compat ABI (compat: deny)' : 'foreign architecture' } } };
}
