import fc from 'fast-check';
import type { ArgRef, CmpOp, Expr, FlagFn, Operand } from '../../../../compiler/2-validate/condition/ast.js';

/**
 * Generators for conditions and argument values, shared by the printer, lowering and
 * reference tests. Values are boundary-heavy: 0, 1, 2^31±1, 2^32±1, 2^63±1, 2^64-1, each
 * constant's value and its neighbours, and 64-bit values whose words are drawn separately
 * (so the high word is often garbage next to a meaningful low word).
 */

/** Fake named constants: real-looking ones plus values that straddle the word boundary. */
export const CONSTANTS: Readonly<Record<string, bigint>> = {
  AF_UNIX: 1n,
  AF_INET: 2n,
  AF_INET6: 10n,
  O_ACCMODE: 3n,
  O_RDONLY: 0n,
  O_WRONLY: 1n,
  O_RDWR: 2n,
  O_CREAT: 0x40n,
  O_TRUNC: 0x200n,
  CLONE_NEWNS: 0x20000n,
  CLONE_NEWUSER: 0x1000_0000n,
  CLONE_NEWNET: 0x4000_0000n,
  AT_FDCWD: 0xffff_ff9cn, // -100 as the constants table stores it: 32-bit two's complement
  SIGN_BIT_32: 0x8000_0000n,
  LOW_WORD: 0xffff_ffffn,
  HIGH_ONE: 0x1_0000_0000n,
  HIGH_WORD: 0xffff_ffff_0000_0000n,
  MIXED_WORDS: 0x8000_0001_0000_0040n,
  SIGN_BIT_64: 0x8000_0000_0000_0000n,
  ALL_ONES: 0xffff_ffff_ffff_ffffn,
};
export const CONSTANT_NAMES = Object.keys(CONSTANTS);

const U64 = (1n << 64n) - 1n;
const BOUNDARIES = [0n, 1n, 2n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_fffen, 0xffff_ffffn, 0x1_0000_0000n, 0x1_0000_0001n,
  0x7fff_ffff_ffff_ffffn, 0x8000_0000_0000_0000n, U64 - 1n, U64];
const near = (v: bigint): bigint[] => [v - 1n, v, v + 1n].filter((x) => x >= 0n && x <= U64);
/** Every boundary and constant value with its neighbours. */
export const INTERESTING: readonly bigint[] = [...new Set([...BOUNDARIES, ...Object.values(CONSTANTS)].flatMap(near))].sort((a, b) => (a < b ? -1 : 1));
const WORDS: readonly bigint[] = [...new Set(INTERESTING.flatMap((v) => [v & 0xffff_ffffn, v >> 32n]))];

const word = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0xffff_ffffn }) });

/** A u64: an interesting value, one with a garbage high word, two drawn words, or anything. */
export const u64: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INTERESTING) },
  { weight: 2, arbitrary: fc.tuple(word, fc.constantFrom(...INTERESTING)).map(([hi, v]) => (hi << 32n) | (v & 0xffff_ffffn)) },
  { weight: 2, arbitrary: fc.tuple(word, word).map(([hi, lo]) => (hi << 32n) | lo) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64 }) },
);

/** Six argument values (seccomp_data.args). */
export const argVector: fc.Arbitrary<bigint[]> = fc.array(u64, { minLength: 6, maxLength: 6 });

/** Random argument widths, as the syscall table would give them. */
export const widthVector: fc.Arbitrary<(32 | 64)[]> = fc.array(fc.constantFrom<32 | 64>(32, 64), { minLength: 6, maxLength: 6 });

const P = { start: 0, end: 0 };

export const operand: fc.Arbitrary<Operand> = fc.oneof(
  { weight: 3, arbitrary: u64.map((value): Operand => ({ kind: 'int', value, ...P })) },
  { weight: 2, arbitrary: fc.constantFrom(...CONSTANT_NAMES).map((name): Operand => ({ kind: 'const', name, ...P })) },
);

const index = fc.integer({ min: 0, max: 5 });
const plainArg: fc.Arbitrary<ArgRef> = index.map((i) => ({ index: i, mask: null, ...P }));
const anyArg: fc.Arbitrary<ArgRef> = fc.oneof(
  { weight: 3, arbitrary: plainArg },
  { weight: 1, arbitrary: fc.tuple(index, operand).map(([i, mask]) => ({ index: i, mask, ...P })) },
);
const ops = (max: number) => fc.array(operand, { minLength: 1, maxLength: max });

/** A leaf test: a comparison, an `in`, a flag test or a boolean literal. */
export const leaf: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom<CmpOp>('==', '!=', '<', '<=', '>', '>='), anyArg, operand).map(([op, arg, value]): Expr => ({ kind: 'cmp', op, arg, value, ...P })) },
  { weight: 2, arbitrary: fc.tuple(anyArg, ops(4)).map(([arg, values]): Expr => ({ kind: 'in', arg, values, ...P })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom<FlagFn>('hasAny', 'hasAll', 'hasNone'), plainArg, ops(4)).map(([fn, arg, values]): Expr => ({ kind: 'flags', fn, arg, values, ...P })) },
  { weight: 1, arbitrary: fc.boolean().map((value): Expr => ({ kind: 'bool', value, ...P })) },
);

/** A condition tree of bounded depth. */
export const condition: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: tie('e').map((expr): Expr => ({ kind: 'not', expr, ...P })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('e'), tie('e')).map(([kind, left, right]): Expr => ({ kind, left, right, ...P })) },
  ),
})).e;

/** The tree without positions, for comparing parses of different texts. */
export function stripPositions(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(stripPositions);
  if (e !== null && typeof e === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (k !== 'start' && k !== 'end') out[k] = stripPositions(v);
    return out;
  }
  return e;
}

/** What the kernel hands the filter for an argument of this width, reduced as the syscall reads it. */
export function reduce(args: readonly bigint[], widths: readonly (32 | 64)[]): bigint[] {
  return args.map((a, i) => (widths[i] === 32 ? a & 0xffff_ffffn : a));
}
