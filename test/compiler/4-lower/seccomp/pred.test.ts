import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evalPred, foldTest, simplifyPred, type Pred, type WordTest } from '../../../../compiler/4-lower/seccomp/pred.js';
import { argVector, u64 } from '../../2-validate/condition/condition-arbitraries.js';
import { fcParams } from '../../../property/support.js';

const t = (arg: number, half: 'lo' | 'hi', op: WordTest['op'], k: number, mask = 0xffffffff): WordTest => ({ kind: 'test', arg, half, mask, op, k });

describe('evalPred', () => {
  const args = [0x1234_5678_9abc_def0n, 0xffff_ffff_0000_0001n, 0n, 0n, 0n, 0n];
  it('reads the low word as bits 0..31 and the high word as bits 32..63', () => {
    expect(evalPred(t(0, 'lo', 'eq', 0x9abcdef0), args)).toBe(true);
    expect(evalPred(t(0, 'hi', 'eq', 0x12345678), args)).toBe(true);
    expect(evalPred(t(1, 'hi', 'eq', 0xffffffff), args)).toBe(true);
    expect(evalPred(t(1, 'lo', 'eq', 1), args)).toBe(true);
  });
  it('compares unsigned, applies the mask, and tests bits with set', () => {
    expect(evalPred(t(1, 'hi', 'gt', 0x7fffffff), args)).toBe(true); // 0xffffffff is not -1
    expect(evalPred(t(1, 'hi', 'ge', 0xffffffff), args)).toBe(true);
    expect(evalPred(t(1, 'hi', 'gt', 0xffffffff), args)).toBe(false);
    expect(evalPred(t(0, 'lo', 'eq', 0xf0, 0xff), args)).toBe(true);
    expect(evalPred(t(0, 'lo', 'set', 0x1), args)).toBe(false);
    expect(evalPred(t(0, 'lo', 'set', 0x10), args)).toBe(true);
    expect(evalPred(t(0, 'lo', 'set', 0x80000000), args)).toBe(true);
  });
  it('combines with not, and, or; empty and is true, empty or is false', () => {
    expect(evalPred({ kind: 'and', ps: [] }, args)).toBe(true);
    expect(evalPred({ kind: 'or', ps: [] }, args)).toBe(false);
    expect(evalPred({ kind: 'not', p: { kind: 'or', ps: [t(2, 'lo', 'eq', 1), t(2, 'hi', 'eq', 0)] } }, args)).toBe(false);
  });
});

const word = fc.oneof(fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
const wordTest: fc.Arbitrary<WordTest> = fc.record({
  kind: fc.constant('test' as const),
  arg: fc.integer({ min: 0, max: 5 }),
  half: fc.constantFrom<'lo' | 'hi'>('lo', 'hi'),
  mask: word,
  op: fc.constantFrom<WordTest['op']>('eq', 'gt', 'ge', 'set'),
  k: word,
});
const pred: fc.Arbitrary<Pred> = fc.letrec<{ p: Pred }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: wordTest },
    { weight: 1, arbitrary: fc.boolean().map((value): Pred => ({ kind: 'const', value })) },
    { weight: 1, arbitrary: tie('p').map((p): Pred => ({ kind: 'not', p })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), fc.array(tie('p'), { maxLength: 4 })).map(([kind, ps]): Pred => ({ kind, ps })) },
  ),
})).p;

describe('simplifyPred and foldTest change no verdict', () => {
  it('foldTest: a folded word test has the verdict of the test, for every word value', () => {
    fc.assert(
      fc.property(wordTest, u64, (w, v) => {
        const args = [v, v, v, v, v, v];
        expect(evalPred(foldTest(w), args)).toBe(evalPred(w, args));
      }),
      fcParams(3000),
    );
  });

  it('simplifyPred: same verdict; no constant, nested same-kind and/or or double negation left', () => {
    const tidy = (p: Pred, top: boolean): boolean => {
      switch (p.kind) {
        case 'const':
          return top;
        case 'test':
          return true;
        case 'not':
          return p.p.kind !== 'not' && tidy(p.p, false);
        case 'and':
        case 'or':
          return p.ps.length >= 2 && p.ps.every((q) => q.kind !== p.kind && tidy(q, false));
      }
    };
    fc.assert(
      fc.property(pred, argVector, (p, args) => {
        const s = simplifyPred(p);
        expect(evalPred(s, args)).toBe(evalPred(p, args));
        expect(tidy(s, true)).toBe(true);
        expect(simplifyPred(s)).toEqual(s);
      }),
      fcParams(2000),
    );
  });

  it('folds the word tests whose outcome is fixed by their mask', () => {
    expect(foldTest(t(0, 'lo', 'eq', 0x10, 0x0f))).toEqual({ kind: 'const', value: false });
    expect(foldTest(t(0, 'lo', 'eq', 0, 0))).toEqual({ kind: 'const', value: true });
    expect(foldTest(t(0, 'lo', 'gt', 0x0f, 0x0f))).toEqual({ kind: 'const', value: false });
    expect(foldTest(t(0, 'lo', 'ge', 0))).toEqual({ kind: 'const', value: true });
    expect(foldTest(t(0, 'lo', 'ge', 0x10, 0x0f))).toEqual({ kind: 'const', value: false });
    expect(foldTest(t(0, 'lo', 'set', 0))).toEqual({ kind: 'const', value: false });
    expect(foldTest(t(0, 'lo', 'gt', 0x0e, 0x0f))).toEqual(t(0, 'lo', 'gt', 0x0e, 0x0f));
  });
});
