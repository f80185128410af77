import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCondition } from '../../../../compiler/2-validate/condition/parse-condition.js';
import { printCondition, type PrintStyle } from '../../../../compiler/2-validate/condition/print-condition.js';
import { condition, stripPositions } from './condition-arbitraries.js';
import { fcParams } from '../../../property/support.js';

const canon = (text: string): string => {
  const r = parseCondition(text);
  if (!r.expr) throw new Error(r.diagnostics.map((d) => d.diagnostic.message).join('; '));
  return printCondition(r.expr);
};

describe('printCondition', () => {
  it.each([
    ['args[0] in [AF_UNIX,AF_INET]', 'args[0] in [AF_UNIX, AF_INET]'],
    ['(args[0]==1)', 'args[0] == 1'],
    ['5 < args[1]', 'args[1] > 5'],
    ['args[2].masked(O_ACCMODE)==O_RDONLY&&!args[2].hasAny(O_CREAT,O_TRUNC)', 'args[2].masked(O_ACCMODE) == O_RDONLY && !args[2].hasAny(O_CREAT, O_TRUNC)'],
    ['!(args[0] == 1)', '!(args[0] == 1)'],
    ['!!args[0].hasAll(4)', '!!args[0].hasAll(4)'],
    ['(args[0] == 1 || args[0] == 2) && args[1] == 3', '(args[0] == 1 || args[0] == 2) && args[1] == 3'],
    ['args[0] == 1 || (args[0] == 2 && args[1] == 3)', 'args[0] == 1 || args[0] == 2 && args[1] == 3'],
    ['args[0] == 1 && (args[0] == 2 && args[1] == 3)', 'args[0] == 1 && (args[0] == 2 && args[1] == 3)'],
    ['((args[0] == 1 && args[0] == 2)) && args[1] == 3', 'args[0] == 1 && args[0] == 2 && args[1] == 3'],
    ['args[0] == 0x0fff', 'args[0] == 4095'],
    ['args[0] == 4096', 'args[0] == 0x1000'],
    ['args[0].hasAny(0x7e020000)', 'args[0].hasAny(0x7e020000)'],
    ['args[0] == 9223372036854775808u', 'args[0] == 0x8000000000000000u'],
    ['args[0] == 18446744073709551615u', 'args[0] == 0xffffffffffffffffu'],
  ])('%s prints as %s', (text, want) => {
    expect(canon(text)).toBe(want);
  });

  it('honours the radix and suffix style', () => {
    const e = parseCondition('args[0] == 5 || args[1] == 0x10000').expr!;
    expect(printCondition(e, { radix: 'hex' })).toBe('args[0] == 0x5 || args[1] == 0x10000');
    expect(printCondition(e, { radix: 'dec', suffix: 'always' })).toBe('args[0] == 5u || args[1] == 65536u');
  });

  it('round-trips: parse(print(e)) is e up to positions, for every print style', () => {
    const style = fc.record({ radix: fc.constantFrom<PrintStyle['radix']>('auto', 'dec', 'hex'), suffix: fc.constantFrom<PrintStyle['suffix']>('needed', 'always') });
    fc.assert(
      fc.property(condition, style, (e, s) => {
        const text = printCondition(e, s);
        const r = parseCondition(text);
        expect(r.diagnostics.map((d) => d.diagnostic.message), text).toEqual([]);
        expect(stripPositions(r.expr)).toEqual(stripPositions(e));
        // Printing is canonical: the text of the parse is the text.
        expect(printCondition(r.expr!, s)).toBe(text);
      }),
      fcParams(1000),
    );
  });
});
