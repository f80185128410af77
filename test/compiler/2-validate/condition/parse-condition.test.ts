import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCondition } from '../../../../compiler/2-validate/condition/parse-condition.js';
import { MAX_CONDITION_DEPTH, MAX_CONDITION_LENGTH, type Expr } from '../../../../compiler/2-validate/condition/ast.js';
import { stripPositions } from './condition-arbitraries.js';
import { fcParams, timed } from '../../../property/support.js';

const ok = (text: string): Expr => {
  const r = parseCondition(text);
  expect(r.diagnostics.map((d) => d.diagnostic.message)).toEqual([]);
  return r.expr!;
};
const shape = (text: string): unknown => stripPositions(ok(text));

/** One error: code, the text it points at, and a fragment of the message (or hint). */
function error(text: string): { code: string; at: string; start: number; end: number; message: string; hint: string } {
  const r = parseCondition(text);
  expect(r.expr).toBeNull();
  expect(r.diagnostics.length, JSON.stringify(r.diagnostics)).toBeGreaterThan(0);
  const d = r.diagnostics[0]!;
  return { code: d.diagnostic.code, at: text.slice(d.start, d.end), start: d.start, end: d.end, message: d.diagnostic.message, hint: d.diagnostic.hint ?? '' };
}

const arg = (index: number, mask: unknown = null) => ({ index, mask });
const int = (value: bigint) => ({ kind: 'int', value });
const cst = (name: string) => ({ kind: 'const', name });
const cmp = (op: string, a: unknown, value: unknown) => ({ kind: 'cmp', op, arg: a, value });

describe('parseCondition: the language', () => {
  it('parses the examples of the issue', () => {
    expect(shape('args[0] in [AF_UNIX, AF_INET, AF_INET6]')).toEqual({ kind: 'in', arg: arg(0), values: [cst('AF_UNIX'), cst('AF_INET'), cst('AF_INET6')] });
    expect(shape('args[0].hasNone(CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET)')).toEqual({
      kind: 'flags', fn: 'hasNone', arg: arg(0), values: [cst('CLONE_NEWUSER'), cst('CLONE_NEWNS'), cst('CLONE_NEWNET')],
    });
    expect(shape('args[2].masked(O_ACCMODE) == O_RDONLY && !args[2].hasAny(O_CREAT, O_TRUNC)')).toEqual({
      kind: 'and',
      left: cmp('==', arg(2, cst('O_ACCMODE')), cst('O_RDONLY')),
      right: { kind: 'not', expr: { kind: 'flags', fn: 'hasAny', arg: arg(2), values: [cst('O_CREAT'), cst('O_TRUNC')] } },
    });
  });

  it('reads decimal, hex and u-suffixed literals up to 2^64-1', () => {
    expect(shape('args[1] == 420')).toEqual(cmp('==', arg(1), int(420n)));
    expect(shape('args[1] == 0x1a4')).toEqual(cmp('==', arg(1), int(420n)));
    expect(shape('args[1] == 0X1A4'.replace('0X', '0x'))).toEqual(cmp('==', arg(1), int(420n)));
    expect(shape('args[1] == 420u')).toEqual(cmp('==', arg(1), int(420n)));
    expect(shape('args[1] == 420U')).toEqual(cmp('==', arg(1), int(420n)));
    expect(shape('args[1] == 0')).toEqual(cmp('==', arg(1), int(0n)));
    expect(shape('args[1] == 9223372036854775807')).toEqual(cmp('==', arg(1), int((1n << 63n) - 1n)));
    expect(shape('args[1] == 9223372036854775808u')).toEqual(cmp('==', arg(1), int(1n << 63n)));
    expect(shape('args[1] == 0xffffffffffffffffu')).toEqual(cmp('==', arg(1), int((1n << 64n) - 1n)));
  });

  it('normalises a constant on the left: the operator is mirrored', () => {
    expect(shape('5 < args[1]')).toEqual(cmp('>', arg(1), int(5n)));
    expect(shape('5 <= args[1]')).toEqual(cmp('>=', arg(1), int(5n)));
    expect(shape('O_RDONLY == args[2].masked(O_ACCMODE)')).toEqual(cmp('==', arg(2, cst('O_ACCMODE')), cst('O_RDONLY')));
    expect(shape('5 != args[1]')).toEqual(cmp('!=', arg(1), int(5n)));
  });

  it('has CEL precedence and left associativity', () => {
    const a = cmp('==', arg(0), int(1n));
    const b = cmp('==', arg(1), int(2n));
    const c = cmp('==', arg(2), int(3n));
    expect(shape('args[0] == 1 || args[1] == 2 && args[2] == 3')).toEqual({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    expect(shape('args[0] == 1 && args[1] == 2 || args[2] == 3')).toEqual({ kind: 'or', left: { kind: 'and', left: a, right: b }, right: c });
    expect(shape('args[0] == 1 && args[1] == 2 && args[2] == 3')).toEqual({ kind: 'and', left: { kind: 'and', left: a, right: b }, right: c });
    expect(shape('args[0] == 1 && (args[1] == 2 && args[2] == 3)')).toEqual({ kind: 'and', left: a, right: { kind: 'and', left: b, right: c } });
    expect(shape('!!true')).toEqual({ kind: 'not', expr: { kind: 'not', expr: { kind: 'bool', value: true } } });
    expect(shape('!(args[0] == 1)')).toEqual({ kind: 'not', expr: a });
  });

  it('accepts what CEL accepts around the edges: parentheses, whitespace, a trailing comma in a list', () => {
    expect(shape('(args[0]) == (1)')).toEqual(cmp('==', arg(0), int(1n)));
    expect(shape('\targs [ 0 ]\n==\r\n1 ')).toEqual(cmp('==', arg(0), int(1n)));
    expect(shape('args[0] in [1, 2,]')).toEqual({ kind: 'in', arg: arg(0), values: [int(1n), int(2n)] });
    expect(shape('args[0x5] == 1')).toEqual(cmp('==', arg(5), int(1n)));
  });

  it('records the offsets of every node', () => {
    const text = '  args[2].masked(O_ACCMODE) == O_RDONLY && !args[2].hasAny(O_CREAT)';
    const e = ok(text);
    expect(e.kind).toBe('and');
    if (e.kind !== 'and' || e.left.kind !== 'cmp' || e.right.kind !== 'not' || e.right.expr.kind !== 'flags') throw new Error('shape');
    const at = (p: { start: number; end: number }) => text.slice(p.start, p.end);
    expect(at(e)).toBe(text.trim());
    expect(at(e.left)).toBe('args[2].masked(O_ACCMODE) == O_RDONLY');
    expect(at(e.left.arg)).toBe('args[2].masked(O_ACCMODE)');
    expect(at(e.left.arg.mask!)).toBe('O_ACCMODE');
    expect(at(e.left.value)).toBe('O_RDONLY');
    expect(at(e.right)).toBe('!args[2].hasAny(O_CREAT)');
    expect(at(e.right.expr)).toBe('args[2].hasAny(O_CREAT)');
    expect(at(e.right.expr.arg)).toBe('args[2]');
    expect(at(e.right.expr.values[0]!)).toBe('O_CREAT');
  });

  it('counts offsets in UTF-16 code units, like Span columns', () => {
    // "é" is one unit, "😀" two: the error after them is at the right place.
    const r = parseCondition('args[0] == 1 && é😀');
    expect(r.diagnostics[0]).toMatchObject({ start: 16, end: 17 });
    const text = 'args[0] == 1 || 😀 ';
    expect(parseCondition(text).diagnostics[0]).toMatchObject({ start: 16, end: 18 });
  });
});

describe('parseCondition: every error at its exact offsets', () => {
  // [condition, code, the text the error points at, start offset]
  const rows: [string, string, string, number][] = [
    // syntax (SF4100)
    ['args[0] ==', 'SF4100', '', 10],
    ['args[0] == 1 &&', 'SF4100', '', 15],
    ['args[0] == 1)', 'SF4100', ')', 12],
    ['(args[0] == 1', 'SF4100', '', 13],
    ['args[0] == 1 args[1] == 2', 'SF4100', 'args', 13],
    ['args[0] in [1 2]', 'SF4100', '2', 14],
    ['args[0] == 1 € 2', 'SF4100', '€', 13],
    ['args[0].masked == 1', 'SF4100', 'masked', 8],
    // unsupported (SF4101)
    ['args[0] = 1', 'SF4101', '=', 8],
    ['args[0] & 4 != 0', 'SF4101', '&', 8],
    ['args[0] + 1 == 2', 'SF4101', '+', 8],
    ['args[0] == "x"', 'SF4101', '"x"', 11],
    ['args[0] == 1 // why', 'SF4101', '// why', 13],
    ['args[0] == 1.5', 'SF4101', '1.5', 11],
    ['args[0] == null', 'SF4101', 'null', 11],
    ['size(args) == 6', 'SF4101', 'size', 0],
    ['args[0].contains(1)', 'SF4101', 'contains', 8],
    ['args.size() == 6', 'SF4101', 'size', 5],
    ['args[0] == 1 ? true : false', 'SF4101', '?', 13],
    // negative numbers (SF4102)
    ['args[0] == -1', 'SF4102', '-1', 11],
    ['args[0] != -0x64', 'SF4102', '-0x64', 11],
    ['-5 < args[1]', 'SF4102', '-5', 0],
    // too large (SF4103), needs u (SF4104), invalid number (SF4105)
    ['args[0] == 18446744073709551616u', 'SF4103', '18446744073709551616u', 11],
    ['args[0] == 0x10000000000000000u', 'SF4103', '0x10000000000000000u', 11],
    ['args[0] == 9223372036854775808', 'SF4104', '9223372036854775808', 11],
    ['args[0] == 0xffffffffffffffff', 'SF4104', '0xffffffffffffffff', 11],
    ['args[2] == 0644', 'SF4105', '0644', 11],
    ['args[2] == 0X1F', 'SF4105', '0X1F', 11],
    ['args[2] == 12ab', 'SF4105', '12ab', 11],
    // argument references (SF4106)
    ['args[6] == 1', 'SF4106', 'args[6]', 0],
    ['args == 1', 'SF4106', 'args', 0],
    ['args[N] == 1', 'SF4106', 'N', 5],
    ['args[1u] == 1', 'SF4106', '1u', 5],
    ['5.hasAny(1)', 'SF4106', '5', 0],
    ['FOO.hasAny(1)', 'SF4106', 'FOO', 0],
    // comparison shapes (SF4107, SF4108)
    ['args[0] == args[1]', 'SF4107', 'args[0] == args[1]', 0],
    ['args[0] in [1, args[1]]', 'SF4107', 'args[1]', 15],
    ['args[0].hasAny(args[1])', 'SF4107', 'args[1]', 15],
    ['1 == 2', 'SF4108', '1 == 2', 0],
    ['AF_UNIX in [1, 2]', 'SF4108', 'AF_UNIX in [1, 2]', 0],
    // not a condition (SF4109), misplaced masked (SF4110), operand counts (SF4111)
    ['args[0]', 'SF4109', 'args[0]', 0],
    ['AF_UNIX || true', 'SF4109', 'AF_UNIX', 0],
    ['!args[0] == 1', 'SF4109', '!args[0]', 0],
    ['args[0].masked(3)', 'SF4109', 'args[0].masked(3)', 0],
    ['args[0].masked(3).hasAny(1)', 'SF4110', 'args[0].masked(3).hasAny(1)', 0],
    ['args[0].masked(3).masked(1) == 1', 'SF4110', 'args[0].masked(3).masked(1)', 0],
    ['args[0].hasAll()', 'SF4111', 'args[0].hasAll()', 0],
    ['args[0].masked() == 1', 'SF4111', 'args[0].masked()', 0],
    ['args[0].masked(1, 2) == 1', 'SF4111', 'args[0].masked(1, 2)', 0],
    // chains (SF4114), lists (SF4115), names (SF4116), conditions as values (SF4117)
    ['1 < args[0] < 5', 'SF4114', '<', 12],
    ['args[0] == 1 == true', 'SF4114', '==', 13],
    ['args[0] in []', 'SF4115', '[]', 11],
    ['args[0] in AF_UNIX', 'SF4115', 'AF_UNIX', 11],
    ['args[0] == [1]', 'SF4115', '[1]', 11],
    ['args[0] == af_unix', 'SF4116', 'af_unix', 11],
    ['args[0] == Foo', 'SF4116', 'Foo', 11],
    ['arg[0] == 1', 'SF4116', 'arg', 0],
    ['AF_UNIX[0] == 1', 'SF4101', 'AF_UNIX[0]', 0],
    ['args[0].hasAny(1) == true', 'SF4117', 'args[0].hasAny(1)', 0],
    ['(args[0] == 1) != (args[1] == 2)', 'SF4117', 'args[0] == 1', 1],
  ];
  it.each(rows)('%s → %s at %j (offset %i)', (text, code, at, start) => {
    const e = error(text);
    expect({ code: e.code, at: e.at, start: e.start }).toEqual({ code, at, start });
  });

  it('explains the fix', () => {
    expect(error('args[0] == -1').hint).toBe('write 0xffffffff for a 32-bit argument, or 0xffffffffffffffffu for a 64-bit one');
    expect(error('args[0] == -0x80000001').hint).toBe('write 0xffffffff7fffffffu for a 64-bit argument');
    expect(error('args[0] == -100').hint).toBe('write 0xffffff9c for a 32-bit argument, or 0xffffffffffffff9cu for a 64-bit one');
    expect(error('args[2] == 0644').hint).toBe('if you meant octal, write 0x1a4 (420); else 644');
    expect(error('args[0] == 9223372036854775808').message).toContain('9223372036854775808u');
    expect(error('args[0] == af_unix').message).toContain('did you mean "AF_UNIX"?');
    expect(error('args[0] == True').message).toContain('did you mean "true"?');
    expect(error('arg == 1').message).toContain('did you mean "args"?');
    expect(error('args[0].hasany(1)').message).toContain('did you mean "hasAny"?');
    expect(error('args[0] = 1').message).toContain('compare with ==');
    expect(error('args[0] ==\u00a01').message).toBe('unexpected character U+00A0');
    expect(error('args[0] == 1 € 2').message).toBe("unexpected character U+20AC '€'");
    expect(error('args[0] == 1 @ 2').message).toBe("unexpected character '@'");
    expect(error('args[7] == 1').message).toBe('args[7] does not exist: seccomp passes six arguments, args[0] to args[5]');
    expect(error('1 == 2').message).toContain('args[0] == 2');
  });

  it('reports every independent error, each at its place', () => {
    const r = parseCondition('args[0] == foo || args[9] == 1 || args[1] == -1');
    expect(r.diagnostics.map((d) => [d.diagnostic.code, d.start, d.end])).toEqual([['SF4116', 11, 14], ['SF4106', 18, 25], ['SF4102', 45, 47]]);
  });
});

describe('parseCondition: bounded', () => {
  it(`refuses conditions longer than ${MAX_CONDITION_LENGTH} characters`, () => {
    const text = Array(400).fill('args[0] != 1').join(' && ');
    expect(text.length).toBeGreaterThan(MAX_CONDITION_LENGTH);
    expect(error(text)).toMatchObject({ code: 'SF4113', start: 0, end: text.length });
    const fits = Array(250).fill('args[0] != 1').join(' && ');
    expect(fits.length).toBeLessThanOrEqual(MAX_CONDITION_LENGTH);
    expect(parseCondition(fits).expr).not.toBeNull();
  });

  it(`refuses nesting deeper than ${MAX_CONDITION_DEPTH} at the first level too deep, without recursing further`, () => {
    const deep = '('.repeat(2000) + 'true' + ')'.repeat(2000);
    const [e, ms] = timed(() => error(deep));
    expect(e).toMatchObject({ code: 'SF4112', start: MAX_CONDITION_DEPTH, at: '(' });
    expect(ms).toBeLessThan(1000);
    expect(error('!'.repeat(4000) + 'true')).toMatchObject({ code: 'SF4112', start: MAX_CONDITION_DEPTH + 1 });
    expect(error('args[0] in ' + '['.repeat(100) + '1' + ']'.repeat(100))).toMatchObject({ code: 'SF4112', start: 11 + MAX_CONDITION_DEPTH });
    expect(error('args[' + '('.repeat(70) + '0' + ')'.repeat(70) + '] == 1')).toMatchObject({ code: 'SF4112' });
    // Exactly at the limit is fine.
    expect(shape('('.repeat(MAX_CONDITION_DEPTH - 1) + 'true' + ')'.repeat(MAX_CONDITION_DEPTH - 1))).toEqual({ kind: 'bool', value: true });
    expect(shape('!'.repeat(MAX_CONDITION_DEPTH) + 'true')).toBeDefined();
  });

  it('parses a long flat chain of 200 tests', () => {
    const text = Array.from({ length: 200 }, (_, i) => `args[${i % 6}] != ${i}`).join(' || ');
    const e = ok(text);
    let n = 1;
    for (let x: Expr = e; x.kind === 'or'; x = x.left) n++;
    expect(n).toBe(200);
  });

  it('never throws on arbitrary input: an expression, or errors placed inside the text', () => {
    const piece = fc.constantFrom('args', '[', ']', '(', ')', '0', '5', '0x1f', '9223372036854775808', 'u', '.', 'hasAny', 'masked', ',', ' ', '!', '-', '&&', '||',
      '==', '<', '>=', ' in ', 'AF_UNIX', 'x', 'true', 'null', '"', "'", '//', '+', '&', '\n', 'é', '😀', '[0]', '.a', '.masked(1)');
    const text = fc.oneof(
      fc.array(piece, { maxLength: 200 }).map((ps) => ps.join('')),
      fc.tuple(piece, fc.integer({ min: 1, max: 2000 })).map(([p, n]) => p.repeat(n).slice(0, 4096)),
      fc.tuple(fc.constantFrom('args[0]', 'X', '!'), piece, fc.integer({ min: 1, max: 1300 })).map(([a, p, n]) => (a + p.repeat(n)).slice(0, 4096)),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = parseCondition(t);
        expect((r.expr === null) === (r.diagnostics.length > 0)).toBe(true);
        for (const d of r.diagnostics) {
          expect(d.start >= 0 && d.start <= d.end && d.end <= t.length, `${d.start}-${d.end} in ${t.length}`).toBe(true);
          expect(d.diagnostic.code).toMatch(/^SF41[0-3]\d$/);
        }
      }),
      fcParams(1000),
    );
  });
});
