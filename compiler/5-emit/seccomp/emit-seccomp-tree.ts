import type { SyscallAction } from '../../ir/policy-ir.js';
import type { AbiSection, SeccompPlan, Verdict, Why } from '../../4-lower/seccomp/lower-seccomp.js';
import type { Pred, WordTest } from '../../4-lower/seccomp/pred.js';
import { formatAction } from '../../ir/syscall-action.js';
import {
  AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT,
  BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, X32_SYSCALL_BIT, actionToRet,
  argHi, argLo, type Insn,
} from './bpf.js';
import { assemble, type AsmItem, type Label } from './assemble.js';

/**
 * Phase 5: one seccomp-BPF program per architecture, as a decision tree.
 *
 * Layout: check the architecture (the syscall number means nothing before that), load the
 * number once, then a binary search over *ranges* of numbers that share a verdict, each node a
 * single `jge`. The tree is the optimal alphabetic tree for the weights below (Knuth's
 * O(n²) dynamic programme), so syscalls a program actually gets to run sit near the root.
 * A leaf is a `ret` when the verdict does not depend on the arguments — such a path loads
 * only `arch` and `nr`, which is what makes the syscall eligible for the kernel's action
 * cache (kernel/seccomp.c seccomp_is_const_allow) — and otherwise the argument tests of the
 * syscall's rules, in order. Leaves with identical code are emitted once (shared tails).
 * On x86_64 the x32 numbers (bit 30 set, same AUDIT_ARCH) are one more range of the same
 * tree, and i386 (`int $0x80`, AUDIT_ARCH_I386) gets its own tree when compat is allowed.
 */

export const AUDIT_ARCH_OF = { x86_64: AUDIT_ARCH_X86_64, i386: AUDIT_ARCH_I386, x32: AUDIT_ARCH_X86_64, aarch64: AUDIT_ARCH_AARCH64 } as const;

export interface SeccompProgram {
  insns: Insn[];
  /** One comment per instruction (the listing). */
  notes: string[];
  stats: { instructions: number; ranges: Record<string, number>; sharedLeaves: number; trampolines: number };
}

interface Range {
  lo: number;
  key: string;
  verdict: Verdict;
  names: string[];
  weight: number;
}

/** Leaf weights: the syscalls a program may run count fully, denied ones little, unnamed numbers nearly nothing. */
const W_RUNS = 1;
const W_DENIED = 0.1;
const W_GAP = 0.01;

const isAllowish = (a: SyscallAction) => a.kind === 'allow' || a.kind === 'log';

export function verdictKey(v: Verdict): string {
  if (v.steps.length === 0) return 'ret:' + actionToRet(v.fallback.action);
  return JSON.stringify([v.steps.map((s) => [s.pred, actionToRet(s.action)]), actionToRet(v.fallback.action)]);
}

function weightOf(v: Verdict): number {
  return v.steps.length > 0 || isAllowish(v.fallback.action) ? W_RUNS : W_DENIED;
}

/** Ranges of equal verdict covering [from, to], from a section's table. */
function rangesOf(section: AbiSection, from: number, to: number): Range[] {
  const out: Range[] = [];
  const otherKey = verdictKey(section.other);
  const push = (lo: number, key: string, verdict: Verdict, name: string | null, weight: number) => {
    const last = out[out.length - 1];
    if (last && last.key === key) {
      if (name) last.names.push(name);
      last.weight += weight;
    } else out.push({ lo, key, verdict, names: name ? [name] : [], weight });
  };
  let cur = from;
  for (const s of [...section.syscalls].sort((a, b) => a.nr - b.nr)) {
    if (s.nr < cur || s.nr > to) continue;
    if (s.nr > cur) push(cur, otherKey, section.other, null, W_GAP);
    push(s.nr, verdictKey(s.verdict), s.verdict, s.name, weightOf(s.verdict));
    cur = s.nr + 1;
  }
  if (cur <= to) push(cur, otherKey, section.other, null, W_GAP);
  return out;
}

/** Optimal alphabetic binary tree over ranges: root[i][j] is the first range of the right subtree. */
function optimalRoots(w: readonly number[]): (i: number, j: number) => number {
  const n = w.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + w[i]!;
  const cost = new Float64Array(n * n);
  const root = new Int32Array(n * n);
  for (let i = 0; i < n; i++) root[i * n + i] = i;
  for (let len = 2; len <= n; len++) {
    for (let i = 0; i + len - 1 < n; i++) {
      const j = i + len - 1;
      // Knuth: the best split moves monotonically, root[i][j-1] <= r <= root[i+1][j].
      const lo = Math.max(i + 1, len === 2 ? i + 1 : root[i * n + j - 1]!);
      const hi = Math.min(j, len === 2 ? j : root[(i + 1) * n + j]!);
      let best = Infinity;
      let arg = lo;
      for (let k = lo; k <= hi; k++) {
        const c = cost[i * n + k - 1]! + cost[k * n + j]!;
        if (c < best) {
          best = c;
          arg = k;
        }
      }
      cost[i * n + j] = best + (prefix[j + 1]! - prefix[i]!);
      root[i * n + j] = arg;
    }
  }
  return (i, j) => root[i * n + j]!;
}

type AState = string | null;

class Gen {
  readonly items: AsmItem[] = [];
  private label = 0;
  /** What register A holds here; undefined where control cannot fall through (after a jump or ret). */
  private cur: AState | undefined = null;
  /** A's state at the last `ja`, while it is the last item (see place). */
  private lastJa: { state: AState } | null = null;
  private incoming = new Map<Label, AState[]>();
  readonly shared = new Map<string, { label: Label; range: Range }>();

  constructor(private readonly where: (why: Why) => string) {}

  newLabel = (): Label => ++this.label;

  place(l: Label): void {
    const last = this.items[this.items.length - 1];
    // `ja L` right before L is a no-op: drop it and fall through instead.
    if (last && last.kind === 'insn' && last.ja === l && this.lastJa) {
      this.items.pop();
      const inc = this.incoming.get(l)!;
      inc.splice(inc.lastIndexOf(this.lastJa.state), 1);
      this.cur = this.lastJa.state;
    }
    this.lastJa = null;
    const states = [...(this.incoming.get(l) ?? [])];
    if (this.cur !== undefined) states.push(this.cur);
    this.cur = states.length > 0 && states.every((s) => s === states[0]) ? states[0]! : null;
    this.items.push({ kind: 'label', id: l });
  }

  private target(l: Label): void {
    const list = this.incoming.get(l) ?? [];
    list.push(this.cur ?? null);
    this.incoming.set(l, list);
  }

  load(k: number, state: string, note: string): void {
    if (this.cur === state) return;
    this.items.push({ kind: 'insn', code: BPF_LD | BPF_W | BPF_ABS, k, note });
    this.cur = state;
  }

  and(mask: number, note: string): void {
    this.items.push({ kind: 'insn', code: BPF_ALU | BPF_AND | BPF_K, k: mask, note });
    this.cur = `${this.cur}&${mask}`;
  }

  jump(op: number, k: number, jt: Label, jf: Label, note: string): void {
    this.target(jt);
    this.target(jf);
    this.items.push({ kind: 'insn', code: BPF_JMP | op | BPF_K, k: k >>> 0, jt, jf, note });
    this.cur = undefined;
  }

  ja(l: Label, note: string): void {
    this.target(l);
    this.lastJa = { state: this.cur ?? null };
    this.items.push({ kind: 'insn', code: BPF_JMP | BPF_JA, k: 0, ja: l, note });
    this.cur = undefined;
  }

  ret(a: SyscallAction, note: string): void {
    this.items.push({ kind: 'insn', code: BPF_RET | BPF_K, k: actionToRet(a), note });
    this.cur = undefined;
  }

  /** Short-circuit code for a predicate: control reaches T when it holds, F when not. */
  pred(p: Pred, t: Label, f: Label, note: string): void {
    switch (p.kind) {
      case 'const':
        this.ja(p.value ? t : f, note);
        return;
      case 'not':
        this.pred(p.p, f, t, note);
        return;
      case 'and':
      case 'or': {
        p.ps.forEach((q, i) => {
          if (i === p.ps.length - 1) return this.pred(q, t, f, note);
          const next = this.newLabel();
          if (p.kind === 'and') this.pred(q, next, f, note);
          else this.pred(q, t, next, note);
          this.place(next);
        });
        if (p.ps.length === 0) this.ja(p.kind === 'and' ? t : f, note);
        return;
      }
      case 'test':
        return this.test(p, t, f, note);
    }
  }

  private test(p: WordTest, t: Label, f: Label, note: string): void {
    const off = p.half === 'lo' ? argLo(p.arg) : argHi(p.arg);
    const word = `args[${p.arg}].${p.half}`;
    this.load(off, `w${off}`, note);
    if (p.op !== 'set' && p.mask >>> 0 !== 0xffffffff) {
      if (this.cur !== `w${off}&${p.mask >>> 0}`) this.and(p.mask >>> 0, `${word} & 0x${(p.mask >>> 0).toString(16)}`);
    }
    const op = { eq: BPF_JEQ, gt: BPF_JGT, ge: BPF_JGE, set: BPF_JSET }[p.op];
    this.jump(op, p.k, t, f, `${word} ${{ eq: '==', gt: '>', ge: '>=', set: '&' }[p.op]} 0x${(p.k >>> 0).toString(16)} ?`);
  }

  describe(names: string[]): string {
    if (names.length === 0) return 'numbers no syscall has';
    return names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')} … ${names[names.length - 1]} (${names.length})`;
  }

  /** A leaf's code at the current position (its entry label already placed). */
  leaf(r: Range): void {
    const v = r.verdict;
    const who = this.describe(r.names);
    if (v.steps.length === 0) {
      this.ret(v.fallback.action, `${who}: ${formatAction(v.fallback.action)} — ${this.where(v.fallback.why)}`);
      return;
    }
    const rets = new Map<number, Label>();
    const retFor = (a: SyscallAction) => {
      const k = actionToRet(a);
      if (!rets.has(k)) rets.set(k, this.newLabel());
      return rets.get(k)!;
    };
    const actions = new Map<number, { action: SyscallAction; why: Why }>();
    for (const s of v.steps) {
      const next = this.newLabel();
      const l = retFor(s.action);
      if (!actions.has(actionToRet(s.action))) actions.set(actionToRet(s.action), { action: s.action, why: s.why });
      this.pred(s.pred, l, next, `${who}: ${this.where(s.why)}`);
      this.place(next);
    }
    this.ret(v.fallback.action, `${who}: ${formatAction(v.fallback.action)} — ${this.where(v.fallback.why)}`);
    for (const [k, l] of rets) {
      this.place(l);
      const a = actions.get(k)!;
      this.ret(a.action, `${who}: ${formatAction(a.action)} — ${this.where(a.why)}`);
    }
  }
}

function sectionTree(g: Gen, ranges: Range[], sectionName: string, uses: Map<string, number>): void {
  const rootOf = optimalRoots(ranges.map((r) => r.weight));
  const entry = (i: number, j: number): Label => {
    if (i === j && (uses.get(ranges[i]!.key) ?? 0) > 1 && ranges[i]!.verdict.steps.length > 0) {
      const key = ranges[i]!.key;
      let s = g.shared.get(key);
      if (!s) {
        s = { label: g.newLabel(), range: ranges[i]! };
        g.shared.set(key, s);
      } else s.range.names.push(...ranges[i]!.names);
      return s.label;
    }
    return g.newLabel();
  };
  const emit = (i: number, j: number, l: Label): void => {
    if (g.shared.get(ranges[i]!.key)?.label === l) return;
    g.place(l);
    if (i === j) return g.leaf(ranges[i]!);
    const k = rootOf(i, j);
    const left = entry(i, k - 1);
    const right = entry(k, j);
    g.jump(BPF_JGE, ranges[k]!.lo, right, left, `${sectionName}: nr >= ${ranges[k]!.lo} ?`);
    // The smaller subtree goes first, so the jump over it stays short.
    if (k - i <= j - k + 1) {
      emit(i, k - 1, left);
      emit(k, j, right);
    } else {
      emit(k, j, right);
      emit(i, k - 1, left);
    }
  };
  const top = entry(0, ranges.length - 1);
  if (g.shared.get(ranges[0]!.key)?.label === top && ranges.length === 1) g.ja(top, `${sectionName}: shared`);
  else emit(0, ranges.length - 1, top);
}

export function emitSeccompTree(plan: SeccompPlan, where: (why: Why) => string): SeccompProgram {
  const g = new Gen(where);
  const byAbi = new Map(plan.sections.map((s) => [s.abi, s]));
  const native = plan.sections[0]!;
  const i386 = byAbi.get('i386');
  const x32 = byAbi.get('x32');
  const abiDenyRange = (lo: number, names: string[]): Range => ({
    lo, key: 'ret:' + actionToRet(plan.abiDeny.action), verdict: { steps: [], fallback: plan.abiDeny }, names, weight: W_GAP,
  });

  const sectionRanges: [string, Range[]][] = [];
  if (plan.arch === 'x86_64') {
    const nat = rangesOf(native, 0, X32_SYSCALL_BIT - 1);
    const hi = x32 ? rangesOf(x32, X32_SYSCALL_BIT, 0xffffffff) : [abiDenyRange(X32_SYSCALL_BIT, ['x32 ABI'])];
    // Merge across the boundary when the verdicts are equal.
    if (nat[nat.length - 1]!.key === hi[0]!.key) {
      const first = hi.shift()!;
      nat[nat.length - 1]!.names.push(...first.names);
      nat[nat.length - 1]!.weight += first.weight;
    }
    sectionRanges.push(['x86_64', [...nat, ...hi]]);
    if (i386) sectionRanges.push(['i386', rangesOf(i386, 0, 0xffffffff)]);
  } else {
    sectionRanges.push([native.abi, rangesOf(native, 0, 0xffffffff)]);
  }
  const uses = new Map<string, number>();
  for (const [, rs] of sectionRanges) for (const r of rs) uses.set(r.key, (uses.get(r.key) ?? 0) + 1);

  const deny = g.newLabel();
  const sectionLabels = sectionRanges.map(() => g.newLabel());
  g.load(SECCOMP_DATA_ARCH, 'arch', 'arch');
  const nativeArch = AUDIT_ARCH_OF[native.abi];
  if (i386) {
    const second = g.newLabel();
    g.jump(BPF_JEQ, nativeArch, sectionLabels[0]!, second, `arch == ${native.abi} ?`);
    g.place(second);
    g.jump(BPF_JEQ, AUDIT_ARCH_I386, sectionLabels[1]!, deny, 'arch == i386 ?');
  } else {
    g.jump(BPF_JEQ, nativeArch, sectionLabels[0]!, deny, `arch == ${native.abi} ?`);
  }
  g.place(deny);
  g.ret(plan.abiDeny.action, `${formatAction(plan.abiDeny.action)} — ${where(plan.abiDeny.why)}`);
  sectionRanges.forEach(([name, rs], i) => {
    g.place(sectionLabels[i]!);
    g.load(SECCOMP_DATA_NR, 'nr', `nr (${name})`);
    sectionTree(g, rs, name, uses);
  });
  for (const s of g.shared.values()) {
    g.place(s.label);
    g.leaf(s.range);
  }
  const asm = assemble(g.items, g.newLabel);
  return {
    insns: asm.insns,
    notes: asm.notes,
    stats: {
      instructions: asm.insns.length,
      ranges: Object.fromEntries(sectionRanges.map(([n, rs]) => [n, rs.length])),
      sharedLeaves: g.shared.size,
      trampolines: asm.trampolines,
    },
  };
}
