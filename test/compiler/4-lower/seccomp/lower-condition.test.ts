import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCondition } from '../../../../compiler/2-validate/condition/parse-condition.js';
import { printCondition, type PrintStyle } from '../../../../compiler/2-validate/condition/print-condition.js';
import type { Expr } from '../../../../compiler/2-validate/condition/ast.js';
import { lowerCondition } from '../../../../compiler/4-lower/seccomp/lower-condition.js';
import { evalPred, simplifyPred, type Pred, type WordTest } from '../../../../compiler/4-lower/seccomp/pred.js';
import { celEval, celReferenceText } from '../../../../compiler/4-lower/seccomp/cel-reference.js';
import { argVector, condition, CONSTANTS, reduce, widthVector } from '../../2-validate/condition/condition-arbitraries.js';
import { fcParams } from '../../../property/support.js';

const constant = (n: string): bigint => {
  const v = CONSTANTS[n];
  if (v === undefined) throw new Error(`no constant ${n}`);
  return v;
};

function lower(text: string, widths: readonly (32 | 64)[]): Pred {
  const r = parseCondition(text);
  if (!r.expr) throw new Error(`${text}: ${r.diagnostics.map((d) => d.diagnostic.message).join('; ')}`);
  return lowerCondition(r.expr, widths, constant);
}

const W64: (32 | 64)[] = [64, 64, 64, 64, 64, 64];
const W32: (32 | 64)[] = [32, 32, 32, 32, 32, 32];
const args0 = (v: bigint): bigint[] => [v, 0n, 0n, 0n, 0n, 0n];
const holds = (text: string, widths: (32 | 64)[], args: bigint[]): boolean => evalPred(lower(text, widths), args);

function tests(p: Pred): WordTest[] {
  switch (p.kind) {
    case 'const':
      return [];
    case 'test':
      return [p];
    case 'not':
      return tests(p.p);
    case 'and':
    case 'or':
      return p.ps.flatMap(tests);
  }
}

describe('lowerCondition: 64-bit comparisons are exact (the CVE-2019-9893 class)', () => {
  // libseccomp < 2.4.0 compared the words of a 64-bit argument independently, so a value
  // with a larger high word but a smaller low word passed a `<` test. Each row: condition,
  // argument value, verdict, and what a per-word (wrong) comparison would have said.
  const rows: [string, bigint, boolean][] = [
    ['args[0] < 1', 0x1_0000_0000n, false], // lo 0 < 1, but hi 1 > 0
    ['args[0] <= 1', 0x1_0000_0001n, false],
    ['args[0] > 1', 0x1_0000_0000n, true], // lo 0 > 1 is false, hi decides
    ['args[0] >= 2', 0x1_0000_0001n, true],
    ['args[0] > 0x100000000', 0xffff_ffffn, false], // lo 0xffffffff > 0, but hi 0 < 1
    ['args[0] < 0x100000000', 0xffff_ffffn, true],
    ['args[0] >= 0x100000001', 0x2_0000_0000n, true], // lo 0 < 1, hi 2 > 1
    ['args[0] == 1', 0x1_0000_0001n, false],
    ['args[0] != 1', 0x1_0000_0001n, true],
    ['args[0] < 0x8000000000000000u', 0x7fff_ffff_ffff_ffffn, true],
    ['args[0] > 0x7fffffffffffffff', 0x8000_0000_0000_0000n, true], // unsigned, not signed
    ['args[0].masked(0xff00000000) == 0x1200000000', 0x12_dead_beefn, true],
    ['args[0].masked(0xff00000000) == 0x1200000000', 0x13_0000_0000n, false],
  ];
  it.each(rows)('%s with args[0] = %s is %s', (text, v, want) => {
    expect(holds(text, W64, args0(v))).toBe(want);
    expect(celEval(text, args0(v), CONSTANTS)).toBe(want);
  });

  it('decomposes x < K into hi < Khi ∨ (hi = Khi ∧ lo < Klo)', () => {
    // not(x >= K) with x >= K ⇔ hi > Khi ∨ (hi == Khi ∧ lo >= Klo), K = 0x1_00000005.
    expect(lower('args[1] < 0x100000005', W64)).toEqual({
      kind: 'not',
      p: {
        kind: 'or',
        ps: [
          { kind: 'test', arg: 1, half: 'hi', mask: 0xffffffff, op: 'gt', k: 1 },
          { kind: 'and', ps: [{ kind: 'test', arg: 1, half: 'hi', mask: 0xffffffff, op: 'eq', k: 1 }, { kind: 'test', arg: 1, half: 'lo', mask: 0xffffffff, op: 'ge', k: 5 }] },
        ],
      },
    });
  });

  it('tests both words for 64-bit equality and masks each word with its half of the mask', () => {
    expect(lower('args[2] == 5', W64)).toEqual({
      kind: 'and',
      ps: [{ kind: 'test', arg: 2, half: 'hi', mask: 0xffffffff, op: 'eq', k: 0 }, { kind: 'test', arg: 2, half: 'lo', mask: 0xffffffff, op: 'eq', k: 5 }],
    });
    expect(lower('args[2].masked(0x300000003) == 0x100000002', W64)).toEqual({
      kind: 'and',
      ps: [{ kind: 'test', arg: 2, half: 'hi', mask: 3, op: 'eq', k: 1 }, { kind: 'test', arg: 2, half: 'lo', mask: 3, op: 'eq', k: 2 }],
    });
  });
});

describe('lowerCondition: 32-bit arguments compare only their low word', () => {
  // socket(2)'s domain is an int: the kernel reads the low 32 bits of the register and
  // ignores the rest, which user space may fill with anything.
  const garbage = 0xdead_beef_0000_0000n;
  it('ignores garbage in the upper word of a 32-bit argument', () => {
    expect(holds('args[0] == AF_UNIX', W32, args0(garbage | 1n))).toBe(true);
    expect(holds('args[0] in [AF_UNIX, AF_INET]', W32, args0(garbage | 2n))).toBe(true);
    expect(holds('args[0] < 3', W32, args0(garbage | 2n))).toBe(true);
    expect(holds('args[0].hasAny(0x100000000)', W32, args0(garbage))).toBe(false);
    // The same values on a 64-bit argument do see the upper word.
    expect(holds('args[0] == AF_UNIX', W64, args0(garbage | 1n))).toBe(false);
    expect(holds('args[0] < 3', W64, args0(garbage | 2n))).toBe(false);
  });

  it('emits one word test, on the low word, per comparison', () => {
    expect(lower('args[0] == AF_INET6', W32)).toEqual({ kind: 'test', arg: 0, half: 'lo', mask: 0xffffffff, op: 'eq', k: 10 });
    expect(lower('args[0] > 7', W32)).toEqual({ kind: 'test', arg: 0, half: 'lo', mask: 0xffffffff, op: 'gt', k: 7 });
    expect(lower('args[3].hasAny(O_CREAT, O_TRUNC)', W32)).toEqual({ kind: 'test', arg: 3, half: 'lo', mask: 0xffffffff, op: 'set', k: 0x240 });
    expect(lower('args[3].hasAll(O_CREAT, O_TRUNC)', W32)).toEqual({ kind: 'test', arg: 3, half: 'lo', mask: 0x240, op: 'eq', k: 0x240 });
    for (const p of [lower('args[1] != 9', W32), lower('args[1].masked(3) in [1, 2]', W32)]) {
      expect(tests(p).every((t) => t.half === 'lo')).toBe(true);
    }
  });

  it('folds values beyond 32 bits to constants (they could never match the low word)', () => {
    expect(lower('args[0] == 0x100000001', W32)).toEqual({ kind: 'const', value: false });
    expect(lower('args[0] != 0x100000001', W32)).toEqual({ kind: 'const', value: true });
    expect(lower('args[0] < 0x100000000', W32)).toEqual({ kind: 'const', value: true });
    expect(lower('args[0].hasAll(HIGH_ONE)', W32)).toEqual({ kind: 'const', value: false });
  });
});

describe('lowerCondition: constant folding', () => {
  it.each([
    ['args[0] >= 0', true], ['args[0] < 0', false], ['args[0] <= 0xffffffffffffffffu', true], ['args[0] > 0xffffffffffffffffu', false],
    ['args[0].masked(0xf0) == 0x0f', false], ['args[0].masked(0) == 0', true], ['args[0].hasAny(0)', false], ['args[0].hasNone(0)', true],
    ['args[0].hasAll(0)', true], ['args[0] > 1 || true', true], ['args[0] > 1 && false', false], ['!(args[0] >= 0)', false],
  ])('%s is always %s', (text, value) => {
    expect(lower(text, W64)).toEqual({ kind: 'const', value });
    expect(lower(text, W32)).toEqual({ kind: 'const', value });
  });

  it('flattens nested and/or and keeps every word test in u32 range', () => {
    const p = lower('args[0] == 1 && (args[1] == 2 && (args[2] == 3 || (args[3] == 4 || args[4] == 5)))', W32);
    expect(p.kind).toBe('and');
    if (p.kind !== 'and') return;
    expect(p.ps).toHaveLength(3);
    expect(p.ps[2]).toMatchObject({ kind: 'or' });
    expect((p.ps[2] as { ps: Pred[] }).ps).toHaveLength(3);
  });
});

describe('lowerCondition agrees with cel-js on every verdict', () => {
  const styles: fc.Arbitrary<PrintStyle> = fc.record({
    radix: fc.constantFrom<PrintStyle['radix']>('auto', 'dec', 'hex'),
    suffix: fc.constantFrom<PrintStyle['suffix']>('needed', 'always'),
  });
  const cases = fc.record({ expr: condition, style: styles, widths: widthVector, vectors: fc.array(argVector, { minLength: 1, maxLength: 6 }) });

  // The condition half of the proof (a): random conditions, printed to text, parsed
  // by our grammar and lowered to word tests, against the same text evaluated by cel-js on
  // the argument values the syscall sees (32-bit ones reduced to their low word).
  it('evalPred(lowerCondition(parse(text))) === celEval(text) (fast-check, fixed seed)', () => {
    let holdsCount = 0;
    let total = 0;
    fc.assert(
      fc.property(cases, ({ expr, style, widths, vectors }) => {
        const text = printCondition(expr, style);
        const pred = lower(text, widths);
        for (const t of tests(pred)) {
          for (const n of [t.mask, t.k]) expect(Number.isInteger(n) && n >= 0 && n <= 0xffffffff).toBe(true);
        }
        for (const args of vectors) {
          const ours = evalPred(pred, args);
          const ref = celEval(text, reduce(args, widths), CONSTANTS);
          if (ours !== ref) {
            throw new Error(`verdicts differ for ${text}\n  cel-js text: ${celReferenceText(text)}\n  widths ${widths.join(',')}\n  args ${args.map((a) => '0x' + a.toString(16)).join(', ')}\n  ours ${ours}, cel-js ${ref}`);
          }
          total++;
          if (ours) holdsCount++;
        }
      }),
      fcParams(1500),
    );
    // Both verdicts occur often enough for the agreement to mean something.
    expect(holdsCount).toBeGreaterThan(total / 10);
    expect(total - holdsCount).toBeGreaterThan(total / 10);
  });

  it('simplifyPred changes no verdict of a lowered condition', () => {
    const unsimplified = (e: Expr, widths: readonly (32 | 64)[]): Pred => lowerCondition(e, widths, constant);
    fc.assert(
      fc.property(condition, widthVector, argVector, (e, widths, args) => {
        const p = unsimplified(e, widths);
        expect(simplifyPred(p)).toEqual(p); // lowering already returns the simplified form
        expect(evalPred(p, args)).toBe(celEval(printCondition(e), reduce(args, widths), CONSTANTS));
      }),
      fcParams(300),
    );
  });
});
