import type { Diagnostic } from '../../diagnostics/types.js';

/**
 * The `when:` condition language (docs/policy.md#conditions): a strict subset of CEL syntax
 * over the six syscall arguments, each an unsigned 64-bit value. Every node carries the
 * UTF-16 offsets [start, end) of the text it was parsed from, in the decoded condition
 * string; conditionOffsetToSpan (condition-span.ts) turns them into file line:col.
 */

/** UTF-16 offsets [start, end) into the condition string. */
export interface Pos {
  start: number;
  end: number;
}

/** A constant operand: an integer literal (0 ≤ value < 2^64) or a named constant (UPPER_SNAKE). */
export type Operand = ({ kind: 'int'; value: bigint } | { kind: 'const'; name: string }) & Pos;

/** `args[index]`, optionally `.masked(mask)`: the value compared is `args[index] & mask`. */
export interface ArgRef extends Pos {
  index: number;
  mask: Operand | null;
}

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type FlagFn = 'hasAny' | 'hasAll' | 'hasNone';

/**
 * A condition. Comparisons are normalised to argument-on-the-left (`5 < args[0]` is stored as
 * `args[0] > 5`); `&&` and `||` are left-associative binary nodes as in CEL.
 */
export type Expr =
  | ({ kind: 'bool'; value: boolean } & Pos)
  | ({ kind: 'and' | 'or'; left: Expr; right: Expr } & Pos)
  | ({ kind: 'not'; expr: Expr } & Pos)
  | ({ kind: 'cmp'; op: CmpOp; arg: ArgRef; value: Operand } & Pos)
  | ({ kind: 'in'; arg: ArgRef; values: Operand[] } & Pos)
  | ({ kind: 'flags'; fn: FlagFn; arg: ArgRef; values: Operand[] } & Pos);

/** Seccomp hands a filter six arguments (struct seccomp_data.args[6], linux/seccomp.h). */
export const MAX_ARGS = 6;
/** The schema bounds `when:` to this many characters; checked again here (the parser is public). */
export const MAX_CONDITION_LENGTH = 4096;
/** Nesting of parentheses, brackets and `!`: an error beyond it, never a stack overflow. */
export const MAX_CONDITION_DEPTH = 64;
export const U64_MAX = (1n << 64n) - 1n;
export const U32_MAX = 0xffff_ffffn;

/**
 * A diagnostic about a condition, placed by offsets into the condition string. `diagnostic`
 * has no span: placeConditionDiagnostics (condition-span.ts) adds the file's line:col.
 */
export interface ConditionDiagnostic extends Pos {
  diagnostic: Diagnostic;
}
