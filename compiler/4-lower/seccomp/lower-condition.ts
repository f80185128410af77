import type { ArgRef, CmpOp, Expr, Operand } from '../../2-validate/condition/ast.js';
import { U32_MAX, U64_MAX } from '../../2-validate/condition/ast.js';
import { FALSE, foldTest, simplifyPred, TRUE, type Half, type Pred, type WordTest } from './pred.js';

export { evalPred, simplifyPred } from './pred.js';

/**
 * The value a comparison looks at: args[arg] & mask, where a 32-bit argument contributes
 * only its low word. The kernel passes every argument as a u64 (struct seccomp_data), but
 * for an `int` parameter the upper half of the register is whatever user space left there
 * and the syscall ignores it; comparing it would let a caller slip past a deny rule (or be
 * refused by an allow rule) with garbage in the upper word.
 */
interface View {
  arg: number;
  wide: boolean;
  /** Effective mask (u64); a 32-bit argument's has no bits above 31. */
  mask: bigint;
}

/**
 * Lowers a checked condition to word tests (pure). Every 64-bit comparison is decomposed
 * exactly into tests on the high and low words; comparing each word on its own, as
 * libseccomp before 2.4.0 did for `<`/`>` (CVE-2019-9893), admits wrong verdicts when the
 * high words differ. With x = hi·2^32 + lo and K = Khi·2^32 + Klo:
 *   x == K  ⇔ hi == Khi ∧ lo == Klo
 *   x >  K  ⇔ hi >  Khi ∨ (hi == Khi ∧ lo >  Klo)
 *   x >= K  ⇔ hi >  Khi ∨ (hi == Khi ∧ lo >= Klo)
 * and x < K, x <= K are their negations; masks apply to each word separately.
 * `constant` gives the value of a named constant (the checker has ensured it exists).
 */
export function lowerCondition(expr: Expr, widths: readonly (32 | 64)[], constant: (name: string) => bigint): Pred {
  const value = (o: Operand): bigint => (o.kind === 'int' ? o.value : constant(o.name));
  const view = (a: ArgRef, extraMask = U64_MAX): View => {
    const w = widths[a.index];
    if (w === undefined) throw new Error(`args[${a.index}] has no known width`);
    const mask = (a.mask ? value(a.mask) : U64_MAX) & extraMask & (w === 32 ? U32_MAX : U64_MAX);
    return { arg: a.index, wide: w === 64, mask };
  };

  const lower = (e: Expr): Pred => {
    switch (e.kind) {
      case 'bool':
        return e.value ? TRUE : FALSE;
      case 'and':
      case 'or':
        return { kind: e.kind, ps: [lower(e.left), lower(e.right)] };
      case 'not':
        return { kind: 'not', p: lower(e.expr) };
      case 'cmp':
        return compare(view(e.arg), e.op, value(e.value));
      case 'in':
        return { kind: 'or', ps: e.values.map((o) => compare(view(e.arg), '==', value(o))) };
      case 'flags': {
        const f = e.values.reduce((acc, o) => acc | value(o), 0n);
        switch (e.fn) {
          case 'hasAny':
            return hasAny(view(e.arg, f));
          case 'hasNone':
            return { kind: 'not', p: hasAny(view(e.arg, f)) };
          case 'hasAll':
            // (x & F) == F: a flag outside the argument's mask or width makes it false.
            return compare(view(e.arg, f), '==', f);
        }
      }
    }
  };
  return simplifyPred(lower(expr));
}

const test = (v: View, half: Half, op: WordTest['op'], k: bigint): Pred => {
  const m = half === 'lo' ? v.mask & U32_MAX : v.mask >> 32n;
  return foldTest({ kind: 'test', arg: v.arg, half, mask: Number(m), op, k: Number(k) });
};

/** (args & mask) != 0: a JSET on each word that has mask bits. */
function hasAny(v: View): Pred {
  const lo = test(v, 'lo', 'set', v.mask & U32_MAX);
  return v.wide ? { kind: 'or', ps: [test(v, 'hi', 'set', v.mask >> 32n), lo] } : lo;
}

function compare(v: View, op: CmpOp, k: bigint): Pred {
  switch (op) {
    case '!=':
      return { kind: 'not', p: compare(v, '==', k) };
    case '<':
      return { kind: 'not', p: compare(v, '>=', k) };
    case '<=':
      return { kind: 'not', p: compare(v, '>', k) };
    default:
      break;
  }
  // x = args & mask takes exactly the values that are submasks of mask; max is mask itself.
  if (op === '==' && (k & ~v.mask) !== 0n) return FALSE;
  if (op === '>' && k >= v.mask) return FALSE;
  if (op === '>=' && k === 0n) return TRUE;
  if (op === '>=' && k > v.mask) return FALSE;
  const klo = k & U32_MAX;
  const khi = k >> 32n;
  const word = op === '==' ? 'eq' : op === '>' ? 'gt' : 'ge';
  if (!v.wide) return test(v, 'lo', word, klo);
  if (op === '==') return { kind: 'and', ps: [test(v, 'hi', 'eq', khi), test(v, 'lo', 'eq', klo)] };
  return {
    kind: 'or',
    ps: [test(v, 'hi', 'gt', khi), { kind: 'and', ps: [test(v, 'hi', 'eq', khi), test(v, 'lo', word, klo)] }],
  };
}
