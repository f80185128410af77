import type { SyscallAction } from '../../ir/policy-ir.js';
import type { SeccompPlan, Verdict } from '../../4-lower/seccomp/lower-seccomp.js';
import { sameAction } from '../../4-lower/seccomp/lower-seccomp.js';
import type { Pred, WordTest } from '../../4-lower/seccomp/pred.js';

/**
 * out/seccomp/oci.json: the x86_64 program's verdicts as an OCI runtime-spec `linux.seccomp`
 * object (runc, crun and runsc build it with libseccomp).
 *
 * The policy's rules are ordered (first match wins); libseccomp's are not, so each action's
 * entries get the exact condition under which that action is the verdict: step i holds and
 * no earlier step does. Conditions become disjunctions of entries whose argument tests are
 * all SCMP_CMP_MASKED_EQ — one per argument, the bits of several tests merged — because a
 * masked equality is the only libseccomp comparison that can test a 32-bit argument's low
 * word alone: the kernel ignores the upper word of an `int` argument, and a full 64-bit
 * comparison there (what SCMP_CMP_EQ/LT/… do) could be steered by garbage in it. An entry
 * whose mask covers all 64 bits is written as SCMP_CMP_EQ.
 */

export interface OciArg {
  index: number;
  value: bigint;
  valueTwo: bigint;
  op: 'SCMP_CMP_MASKED_EQ' | 'SCMP_CMP_EQ';
}

export interface OciSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: OciArg[];
}

export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: OciSyscall[];
}

/** Entries of a single syscall above this mean the conditions do not fit libseccomp's model. */
export const MAX_OCI_ENTRIES_PER_SYSCALL = 512;

const FULL64 = (1n << 64n) - 1n;

/** One argument test: (args[arg] & mask) == value. */
interface Atom {
  arg: number;
  mask: bigint;
  value: bigint;
}
/** A conjunction of atoms, at most one per argument; null: false. */
type Conj = Map<number, Atom>;
type Dnf = Conj[];

function and2(a: Conj, b: Conj): Conj | null {
  const out = new Map(a);
  for (const [i, x] of b) {
    const y = out.get(i);
    if (!y) {
      out.set(i, x);
      continue;
    }
    // Both tests fix the bits of their masks: they agree where the masks overlap, or never hold.
    if (((x.value ^ y.value) & x.mask & y.mask) !== 0n) return null;
    out.set(i, { arg: i, mask: x.mask | y.mask, value: x.value | y.value });
  }
  return out;
}

/** Intermediate products may grow this large before subsumption shrinks them. */
const MAX_PRODUCT = 4096;

function andDnf(a: Dnf, b: Dnf): Dnf {
  if (a.length * b.length > MAX_PRODUCT) throw new OciTooComplex();
  const out: Dnf = [];
  for (const x of a) {
    for (const y of b) {
      const c = and2(x, y);
      if (c) out.push(c);
    }
  }
  return reduce(out);
}

/** Does conjunction a hold wherever b does (a's tests are a subset of b's)? */
function subsumes(a: Conj, b: Conj): boolean {
  for (const [i, x] of a) {
    const y = b.get(i);
    if (!y || (x.mask & y.mask) !== x.mask || ((x.value ^ y.value) & x.mask) !== 0n) return false;
  }
  return true;
}

/** Drops conjunctions implied by another one: `x != K1 && x != K2` then needs ~35 entries, not ~1000. */
function reduce(d: Dnf): Dnf {
  const sorted = [...d].sort((p, q) => p.size - q.size || popcount(p) - popcount(q));
  const out: Dnf = [];
  for (const c of sorted) if (!out.some((o) => subsumes(o, c))) out.push(c);
  return out;
}

function popcount(c: Conj): number {
  let n = 0;
  for (const x of c.values()) for (let m = x.mask; m > 0n; m &= m - 1n) n++;
  return n;
}

class OciTooComplex extends Error {}

const atom = (arg: number, shift: bigint, mask: number, value: number): Conj =>
  new Map([[arg, { arg, mask: BigInt(mask >>> 0) << shift, value: BigInt(value >>> 0) << shift }]]);

/** Bits 31..b of a 32-bit word. */
const above = (b: number) => (b >= 32 ? 0 : (0xffffffff << b) >>> 0);

/** The word test, or its negation, as a disjunction of masked equalities on the word. */
function testDnf(t: WordTest, positive: boolean): Dnf {
  const shift = t.half === 'hi' ? 32n : 0n;
  const bits = (m: number) => [...Array(32).keys()].filter((b) => ((m >>> b) & 1) === 1);
  const k = t.k >>> 0;
  const eq = (mask: number, value: number): Dnf => (((value & ~mask) >>> 0) !== 0 ? [] : [atom(t.arg, shift, mask, value)]);
  // x > k: for some bit b where k has 0, x agrees with k above b and has 1 at b.
  const gt = (kk: number): Dnf => bits(~kk >>> 0).map((b) => atom(t.arg, shift, above(b), ((kk & above(b + 1)) | (1 << b)) >>> 0));
  // x < k: for some bit b where k has 1, x agrees with k above b and has 0 at b.
  const lt = (kk: number): Dnf => bits(kk).map((b) => atom(t.arg, shift, above(b), (kk & above(b + 1)) >>> 0));
  switch (t.op) {
    case 'eq': {
      const m = t.mask >>> 0;
      if (positive) return eq(m, k);
      if (((k & ~m) >>> 0) !== 0) return [new Map()];
      return bits(m).map((b) => atom(t.arg, shift, 1 << b, (~k >>> 0) & (1 << b)));
    }
    case 'set':
      return positive ? bits(k).map((b) => atom(t.arg, shift, 1 << b, 1 << b)) : eq(k, 0);
    case 'gt':
    case 'ge': {
      if (t.mask >>> 0 !== 0xffffffff) throw new OciTooComplex();
      // x >= k is x > k-1; x >= 0 always holds.
      if (t.op === 'ge' && k === 0) return positive ? [new Map()] : [];
      const g = t.op === 'gt' ? k : k - 1;
      return positive ? gt(g) : [...lt(g), ...eq(0xffffffff, g)];
    }
  }
}

/**
 * Cubes covering every 32-bit value except those of `values`: split on the highest bit not
 * yet fixed, keep a whole half once no excluded value is in it. At most 32 cubes per value,
 * where multiplying out `x != K1 && x != K2 && …` would give 32^n before subsumption.
 */
function complementCubes(arg: number, shift: bigint, values: readonly number[], bit = 31, mask = 0, value = 0): Dnf {
  if (values.length === 0) return [atom(arg, shift, mask, value)];
  if (bit < 0) return [];
  const b = (1 << bit) >>> 0;
  const m = (mask | b) >>> 0;
  return [
    ...complementCubes(arg, shift, values.filter((v) => (v & b) === 0), bit - 1, m, value),
    ...complementCubes(arg, shift, values.filter((v) => (v & b) !== 0), bit - 1, m, (value | b) >>> 0),
  ];
}

/** `p` (an and/or taken with `positive`) says "this word is none of these values": the values, else null. */
function noneOf(p: Pred & { kind: 'and' | 'or' }, positive: boolean): { t: WordTest; values: number[] } | null {
  let first: WordTest | null = null;
  const values: number[] = [];
  for (const q of p.ps) {
    // Called for a conjunction only: an `and` taken positively or an `or` negated (De Morgan),
    // so each part's literal has the polarity `positive`, flipped once more by a `not`.
    const negated = q.kind === 'not';
    const t = negated ? q.p : q;
    const pol = positive !== negated;
    if (t.kind !== 'test' || t.op !== 'eq' || t.mask >>> 0 !== 0xffffffff || pol) return null;
    if (first && (first.arg !== t.arg || first.half !== t.half)) return null;
    first ??= t;
    values.push(t.k >>> 0);
  }
  return first ? { t: first, values } : null;
}

function dnf(p: Pred, positive: boolean, limit: number): Dnf {
  switch (p.kind) {
    case 'const':
      return p.value === positive ? [new Map()] : [];
    case 'not':
      return dnf(p.p, !positive, limit);
    case 'test':
      return testDnf(p, positive);
    case 'and':
    case 'or': {
      // De Morgan: a negated conjunction is a disjunction of negations, and vice versa.
      const conj = (p.kind === 'and') === positive;
      const none = conj ? noneOf(p, positive) : null;
      if (none) return complementCubes(none.t.arg, none.t.half === 'hi' ? 32n : 0n, none.values);
      const parts = p.ps.map((q) => dnf(q, positive, limit));
      if (!conj) {
        const out = reduce(parts.flat());
        if (out.length > limit) throw new OciTooComplex();
        return out;
      }
      return parts.reduce((acc, d) => andDnf(acc, d), [new Map()] as Dnf);
    }
  }
}

function actionFields(a: SyscallAction): { action: string; errnoRet?: number } {
  switch (a.kind) {
    case 'allow': return { action: 'SCMP_ACT_ALLOW' };
    case 'log': return { action: 'SCMP_ACT_LOG' };
    case 'trap': return { action: 'SCMP_ACT_TRAP' };
    case 'kill-thread': return { action: 'SCMP_ACT_KILL_THREAD' };
    case 'kill-process': return { action: 'SCMP_ACT_KILL_PROCESS' };
    case 'errno': return { action: 'SCMP_ACT_ERRNO', errnoRet: a.errno };
  }
}

function argsOf(c: Conj): OciArg[] {
  return [...c.values()].sort((a, b) => a.arg - b.arg).map((x) =>
    x.mask === FULL64
      ? { index: x.arg, value: x.value, valueTwo: 0n, op: 'SCMP_CMP_EQ' as const }
      : { index: x.arg, value: x.mask, valueTwo: x.value, op: 'SCMP_CMP_MASKED_EQ' as const });
}

/** The entries of one syscall, or the name of the problem. */
function entriesOf(name: string, v: Verdict, def: SyscallAction): OciSyscall[] | 'too-complex' {
  const out: OciSyscall[] = [];
  try {
    // notBefore: the DNF of "no earlier step holds".
    let notBefore: Dnf = [new Map()];
    const byAction: { action: SyscallAction; dnf: Dnf }[] = [];
    const add = (action: SyscallAction, d: Dnf) => {
      const slot = byAction.find((x) => sameAction(x.action, action));
      if (slot) slot.dnf.push(...d);
      else byAction.push({ action, dnf: [...d] });
    };
    const L = MAX_OCI_ENTRIES_PER_SYSCALL;
    v.steps.forEach((s, i) => {
      add(s.action, andDnf(notBefore, dnf(s.pred, true, L)));
      // "No earlier step holds" is needed only by later steps, or by a fallback that is not the default.
      if (i < v.steps.length - 1 || !sameAction(v.fallback.action, def)) notBefore = andDnf(notBefore, dnf(s.pred, false, L));
    });
    if (!sameAction(v.fallback.action, def)) add(v.fallback.action, notBefore);
    for (const { action, dnf: d } of byAction) {
      if (sameAction(action, def)) continue;
      for (const c of d) {
        const e: OciSyscall = { names: [name], ...actionFields(action) };
        if (c.size > 0) e.args = argsOf(c);
        out.push(e);
      }
    }
  } catch (e) {
    if (e instanceof OciTooComplex) return 'too-complex';
    throw e;
  }
  return out.length > MAX_OCI_ENTRIES_PER_SYSCALL ? 'too-complex' : out;
}

export function emitSeccompOci(plan: SeccompPlan, def: SyscallAction): { value: OciSeccomp; tooComplex: string[] } {
  const native = plan.sections[0]!;
  const arches = plan.sections.map((s) => ({ x86_64: 'SCMP_ARCH_X86_64', i386: 'SCMP_ARCH_X86', x32: 'SCMP_ARCH_X32', aarch64: 'SCMP_ARCH_AARCH64' })[s.abi]);
  const tooComplex: string[] = [];
  const entries: OciSyscall[] = [];
  for (const s of [...native.syscalls].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = entriesOf(s.name, s.verdict, def);
    if (r === 'too-complex') tooComplex.push(s.name);
    else entries.push(...r);
  }
  // Unconditional entries with one action become one entry listing every name, as profiles do.
  const merged: OciSyscall[] = [];
  for (const e of entries) {
    const same = e.args === undefined && merged.find((m) => m.args === undefined && m.action === e.action && m.errnoRet === e.errnoRet);
    if (same) same.names.push(...e.names);
    else merged.push({ ...e, names: [...e.names] });
  }
  const d = actionFields(def);
  const value: OciSeccomp = { defaultAction: d.action, architectures: arches, syscalls: merged };
  if (d.errnoRet !== undefined) value.defaultErrnoRet = d.errnoRet;
  return { value, tooComplex };
}
