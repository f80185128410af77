import { diag, type Code } from '../../diagnostics/catalog.js';
import { suggestion } from '../../diagnostics/did-you-mean.js';
import { U32_MAX, U64_MAX, type ArgRef, type ConditionDiagnostic, type Expr, type Operand, type Pos } from './ast.js';

/** What the checker needs to know of one syscall on one ABI; tests pass small fakes. */
export interface ConditionContext {
  abi: string;
  syscall: string;
  /** How many arguments the syscall takes (its man page; compiler/syscalls/syscall-table.ts). */
  argCount: number;
  /** Width of each argument: 32 for int-sized ones, whose upper register half is ignored. */
  widths: readonly (32 | 64)[];
  /** Value of a named constant on this ABI (negative C values as their 32-bit two's complement). */
  constant(name: string): bigint | undefined;
  /** Every constant name of this ABI, for did-you-mean. */
  constantNames(): readonly string[];
}

export interface CheckedCondition {
  diagnostics: ConditionDiagnostic[];
  /** The value of every named constant the condition uses (only those that exist). */
  resolved: ReadonlyMap<string, bigint>;
}

/**
 * Checks a parsed condition against one syscall on one ABI (pure): arguments the syscall
 * has, constants the ABI defines, values that fit the argument's width. The caller checks a
 * rule once per (syscall, ABI) it applies to, since both the argument list and the
 * constants differ between ABIs.
 */
export function checkCondition(expr: Expr, ctx: ConditionContext): CheckedCondition {
  const ds: ConditionDiagnostic[] = [];
  const resolved = new Map<string, bigint>();
  const reported = new Set<string>();
  const err = (code: Code, args: Record<string, string | number>, pos: Pos, hint?: string): void => {
    // One report per problem and place (a constant used twice is reported twice, at each use).
    const key = `${code}:${pos.start}:${pos.end}`;
    if (reported.has(key)) return;
    reported.add(key);
    ds.push({ diagnostic: diag(code, args, undefined, hint ? { hint } : undefined), start: pos.start, end: pos.end });
  };

  const value = (o: Operand): bigint | undefined => {
    if (o.kind === 'int') return o.value;
    const v = ctx.constant(o.name);
    if (v === undefined) {
      err('SF4120', { name: o.name, abi: ctx.abi, suggestion: suggestion(o.name, ctx.constantNames()) }, o);
      return undefined;
    }
    if (v < 0n || v > U64_MAX) throw new Error(`constant ${o.name} on ${ctx.abi} is ${v}, outside 0..2^64-1`);
    resolved.set(o.name, v);
    return v;
  };

  /** The argument exists and is 32-bit wide (its values must then fit in 32 bits). */
  const argument = (a: ArgRef): { narrow: boolean } | null => {
    if (a.index >= ctx.argCount) {
      const count = ctx.argCount === 0 ? 'no arguments' : ctx.argCount === 1 ? '1 argument' : `${ctx.argCount} arguments`;
      err('SF4121', { syscall: ctx.syscall, count, index: a.index }, a);
      return null;
    }
    return { narrow: (ctx.widths[a.index] ?? 64) === 32 };
  };

  const fits = (a: ArgRef, narrow: boolean, o: Operand, v: bigint | undefined, role: string): void => {
    if (narrow && v !== undefined && v > U32_MAX) {
      err('SF4122', { role, value: describe(o, v), index: a.index, syscall: ctx.syscall }, o,
        v >= 0xffff_ffff_8000_0000n && o.kind === 'int' ? `for a negative 32-bit value write 0x${(v & U32_MAX).toString(16)}` : undefined);
    }
  };

  /** Checks the argument and its mask; returns the mask value when known. */
  const target = (a: ArgRef): { narrow: boolean; mask: bigint | undefined } | null => {
    const arg = argument(a);
    const mask = a.mask ? value(a.mask) : U64_MAX;
    if (arg && a.mask) fits(a, arg.narrow, a.mask, mask, 'the mask');
    return arg ? { narrow: arg.narrow, mask } : null;
  };

  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'bool':
        return;
      case 'and':
      case 'or':
        walk(e.left);
        walk(e.right);
        return;
      case 'not':
        walk(e.expr);
        return;
      case 'cmp':
      case 'in': {
        const t = target(e.arg);
        const values = e.kind === 'cmp' ? [e.value] : e.values;
        for (const o of values) {
          const v = value(o);
          if (!t) continue;
          fits(e.arg, t.narrow, o, v, 'the value');
          // (x & M) == V needs V ⊆ M; with other bits the test is constant (SF4123).
          if (e.arg.mask && t.mask !== undefined && v !== undefined && (v & ~t.mask) !== 0n && (e.kind === 'in' || e.op === '==' || e.op === '!=')) {
            const op = e.kind === 'in' ? '==' : e.op;
            err('SF4123', { index: e.arg.index, mask: describe(e.arg.mask, t.mask), op, value: describe(o, v), result: op === '!=' ? 'true' : 'false' }, o);
          }
        }
        return;
      }
      case 'flags': {
        const t = target(e.arg);
        for (const o of e.values) {
          const v = value(o);
          if (t) fits(e.arg, t.narrow, o, v, 'the flag');
        }
        return;
      }
    }
  };
  walk(expr);
  return { diagnostics: ds, resolved };
}

function describe(o: Operand, v: bigint): string {
  const hex = `0x${v.toString(16)}`;
  return o.kind === 'const' ? `${o.name} (${hex})` : hex;
}
