import { describe, expect, it } from 'vitest';
import { Environment } from '@marcbachmann/cel-js';
import { UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { celEval, celReferenceText } from '../../../../compiler/4-lower/seccomp/cel-reference.js';

const C = { AF_UNIX: 1n, AF_INET: 2n, O_ACCMODE: 3n, O_RDONLY: 0n, O_CREAT: 0x40n, O_TRUNC: 0x200n };
const A = (...v: bigint[]): bigint[] => [...v, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6);

describe('celEval: conditions evaluated by cel-js', () => {
  it('compares uint arguments with int literals by value (CEL heterogeneous equality)', () => {
    expect(celEval('args[0] == 5', A(5n), C)).toBe(true);
    expect(celEval('args[0] != 5', A(5n), C)).toBe(false);
    expect(celEval('5 == args[0]', A(5n), C)).toBe(true);
    expect(celEval('args[0] in [AF_UNIX, 5]', A(5n), C)).toBe(true);
    expect(celEval('args[0] in [AF_UNIX, 5]', A(6n), C)).toBe(false);
    expect(celEval('args[0] in [5u, 6]', A(6n), C)).toBe(true);
    expect(celEval('args[0] < 6 && args[0] >= 5u', A(5n), C)).toBe(true);
  });

  it('works on the full unsigned 64-bit range', () => {
    expect(celEval('args[1] == 0xffffffffffffffffu', A(0n, (1n << 64n) - 1n), C)).toBe(true);
    expect(celEval('args[1] > 0x7fffffffffffffff', A(0n, 1n << 63n), C)).toBe(true);
    // The caller reduces 32-bit arguments; celEval itself sees all 64 bits.
    expect(celEval('args[0] == 1', A((1n << 32n) | 1n), C)).toBe(false);
  });

  it('defines the flag helpers on 64-bit values', () => {
    const x = A(0x1_0000_0240n);
    expect(celEval('args[0].hasAny(O_CREAT)', x, C)).toBe(true);
    expect(celEval('args[0].hasAny(0x100000000)', x, C)).toBe(true);
    expect(celEval('args[0].hasAny(1, 2)', x, C)).toBe(false);
    expect(celEval('args[0].hasAll(O_CREAT, O_TRUNC, 0x100000000)', x, C)).toBe(true);
    expect(celEval('args[0].hasAll(O_CREAT, 1)', x, C)).toBe(false);
    expect(celEval('args[0].hasNone(1, 2)', x, C)).toBe(true);
    expect(celEval('args[0].masked(0xffffffff00000000u) == 0x100000000', x, C)).toBe(true);
    expect(celEval('args[2].masked(O_ACCMODE) == O_RDONLY && !args[2].hasAny(O_CREAT, O_TRUNC)', A(0n, 0n, 0x8000n), C)).toBe(true);
  });

  it('retypes int literals on cel-js\'s own AST, except list indexes and negated literals', () => {
    expect(celReferenceText('args[1] in [AF_UNIX, 5] && args[2].hasAny(0x10)')).toBe('args[1] in [AF_UNIX, 5u] && args[2].hasAny(16u)');
    expect(celReferenceText('args[0] == -1')).toBe('args[0] == -1');
    expect(() => celEval('args[0] == -1', A(1n), C)).toThrow();
    expect(() => celEval('args[0] == NOPE', A(1n), C)).toThrow();
  });

  it('is needed: cel-js alone compares int and uint in lists by type, not value', () => {
    // Why celEval retypes literals: with `args` declared list<dyn>, cel-js 8 gets == right
    // but not membership (CEL: `5u in [5]` is true under heterogeneous equality).
    const env = new Environment().registerVariable('args', 'list<dyn>');
    const ctx = { args: [new UnsignedInt(5n)] };
    expect(env.evaluate('args[0] == 5', ctx)).toBe(true);
    expect(env.evaluate('args[0] in [1, 5]', ctx)).toBe(false);
    expect(celEval('args[0] in [1, 5]', A(5n), C)).toBe(true);
  });
});
