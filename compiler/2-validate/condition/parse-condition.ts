import type { IToken } from 'chevrotain';
import { diag, type Code } from '../../diagnostics/catalog.js';
import { didYouMean, suggestion } from '../../diagnostics/did-you-mean.js';
import {
  MAX_ARGS, MAX_CONDITION_DEPTH, MAX_CONDITION_LENGTH, U64_MAX,
  type ArgRef, type CmpOp, type ConditionDiagnostic, type Expr, type FlagFn, type Operand, type Pos,
} from './ast.js';
import { parseTokens, type Raw } from './grammar.js';
import { Comment, conditionLexer, LBracket, LParen, RBracket, RParen, StringLit, Unsupported } from './lex-condition.js';

export interface ParsedCondition {
  /** The condition, or null when there is an error. */
  expr: Expr | null;
  /** Errors, positioned by offsets into the condition text. */
  diagnostics: ConditionDiagnostic[];
}

export const FLAG_FNS: readonly FlagFn[] = ['hasAny', 'hasAll', 'hasNone'];
const METHODS = [...FLAG_FNS, 'masked'];
const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;
const FLIP: Record<CmpOp, CmpOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const RELOPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=', 'in']);

/**
 * Parses a `when:` condition (docs/policy.md#conditions). Pure, bounded: the text is limited
 * to MAX_CONDITION_LENGTH characters and MAX_CONDITION_DEPTH levels of nesting, checked
 * before the recursive parser runs, so no input can exhaust the stack.
 */
export function parseCondition(text: string): ParsedCondition {
  const at = (code: Code, args: Record<string, string | number>, start: number, end: number, hint?: string): ParsedCondition => ({
    expr: null,
    diagnostics: [{ diagnostic: diag(code, args, undefined, hint ? { hint } : undefined), start, end }],
  });
  if (text.length > MAX_CONDITION_LENGTH) return at('SF4113', { length: text.length, limit: MAX_CONDITION_LENGTH }, 0, text.length);

  const lexed = conditionLexer().tokenize(text);
  const lexError = lexed.errors[0];
  if (lexError) {
    const ch = String.fromCodePoint(text.codePointAt(lexError.offset)!);
    // Invisible ones (a no-break space pasted from a web page) are named by code point.
    const cp = ch.codePointAt(0)!;
    const shown = cp > 0x20 && cp < 0x7f ? `'${ch}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}${/\p{L}|\p{S}|\p{N}/u.test(ch) ? ` '${ch}'` : ''}`;
    return at('SF4100', { detail: `unexpected character ${shown}` }, lexError.offset, lexError.offset + ch.length);
  }
  const tokens = lexed.tokens;

  // Before parsing: what the language leaves out, and nesting (the parser recurses per level).
  let depth = 0;
  for (const t of tokens) {
    const span: [number, number] = [t.startOffset, t.startOffset + t.image.length];
    if (t.tokenType === StringLit) return at('SF4101', { what: 'a string', suggestion: '' }, ...span);
    if (t.tokenType === Comment) return at('SF4101', { what: 'a comment', suggestion: '; YAML comments (#) go outside the condition' }, ...span);
    if (t.tokenType === Unsupported) return unsupportedOperator(t, at);
    if (t.tokenType === LParen || t.tokenType === LBracket) {
      if (++depth > MAX_CONDITION_DEPTH) return at('SF4112', { limit: MAX_CONDITION_DEPTH }, ...span);
    } else if (t.tokenType === RParen || t.tokenType === RBracket) {
      depth = Math.max(0, depth - 1);
    }
  }

  const syntax = parseTokens(tokens);
  if (syntax.error) {
    const t = syntax.error.token;
    const start = Number.isFinite(t.startOffset) ? t.startOffset : text.length;
    const end = Number.isFinite(t.startOffset) ? t.startOffset + t.image.length : text.length;
    return at('SF4100', { detail: syntax.error.message }, start, end);
  }
  const c = new Converter(text);
  const expr = c.cond(syntax.raw!, 0);
  if (c.ds.length > 0) return { expr: null, diagnostics: c.ds };
  return { expr, diagnostics: [] };
}

function unsupportedOperator(t: IToken, at: (code: Code, args: Record<string, string | number>, s: number, e: number) => ParsedCondition): ParsedCondition {
  const fix: Record<string, string> = {
    '=': '; compare with ==',
    '&': '; test flags with args[N].hasAny(F), hasAll(F) or hasNone(F), or compare args[N].masked(M) == V',
    '|': '; join conditions with ||, or list several flags: args[N].hasAny(A, B)',
    '~': '; test for flags that are not set with args[N].hasNone(F)',
    '?': '; write (c && a) || (!c && b)',
    ':': '; write (c && a) || (!c && b)',
  };
  return at('SF4101', { what: `the operator '${t.image}'`, suggestion: fix[t.image] ?? '' }, t.startOffset, t.startOffset + t.image.length);
}

type Value = { kind: 'arg'; arg: ArgRef } | { kind: 'operand'; operand: Operand };

/** The written tree → Expr, checking the language's rules; every error is kept with its position. */
class Converter {
  readonly ds: ConditionDiagnostic[] = [];
  #deepReported = false;

  constructor(readonly text: string) {}

  err(code: Code, args: Record<string, string | number>, pos: Pos, hint?: string): null {
    this.ds.push({ diagnostic: diag(code, args, undefined, hint ? { hint } : undefined), start: pos.start, end: pos.end });
    return null;
  }

  src(p: Pos): string {
    const s = this.text.slice(p.start, p.end).replace(/\s+/g, ' ');
    return s.length > 40 ? s.slice(0, 37) + '...' : s;
  }

  tooDeep(r: Raw, depth: number): boolean {
    if (depth <= MAX_CONDITION_DEPTH) return false;
    if (!this.#deepReported) this.err('SF4112', { limit: MAX_CONDITION_DEPTH }, r);
    this.#deepReported = true;
    return true;
  }

  cond(r: Raw, depth: number): Expr | null {
    if (this.tooDeep(r, depth)) return null;
    switch (r.t) {
      case 'bool':
        return { kind: 'bool', value: r.value, start: r.start, end: r.end };
      case 'paren':
        return this.cond(r.inner, depth + 1);
      case 'unary': {
        if (r.op === '-') return this.minus(r, depth);
        const e = this.cond(r.operand, depth + 1);
        return e && { kind: 'not', expr: e, start: r.start, end: r.end };
      }
      case 'binary': {
        if (r.op === '||' || r.op === '&&') {
          const left = this.cond(r.left, depth);
          const right = this.cond(r.right, depth);
          return left && right && { kind: r.op === '||' ? 'or' : 'and', left, right, start: r.start, end: r.end };
        }
        if (r.left.t === 'binary' && RELOPS.has(r.left.op)) return this.err('SF4114', {}, { start: r.opStart, end: r.opEnd });
        return r.op === 'in' ? this.inList(r, depth) : this.compare(r, r.op, depth);
      }
      case 'call':
        if (r.target && (FLAG_FNS as readonly string[]).includes(r.name)) return this.flags(r, r.name as FlagFn, depth);
        if (r.target && r.name === 'masked') {
          if (!this.value(r, depth)) return null;
          return this.err('SF4109', { what: this.src(r), fix: 'masked() gives a number to compare, as in args[2].masked(O_ACCMODE) == O_RDONLY' }, r);
        }
        return this.value(r, depth) && null;
      case 'null':
        return this.err('SF4101', { what: 'null', suggestion: '' }, r);
      case 'list':
        return this.err('SF4109', { what: 'a list', fix: 'test membership with in, as in args[0] in [1, 2]' }, r);
      case 'num':
      case 'ident':
      case 'index':
      case 'select': {
        const v = this.value(r, depth);
        if (!v) return null;
        const fix = v.kind === 'arg' ? `compare it, as in ${this.src(r)} != 0` : 'compare an argument with it, as in args[0] == ' + this.src(r);
        return this.err('SF4109', { what: this.src(r), fix }, r);
      }
    }
  }

  /** `-x`: a negative literal, or arithmetic. */
  minus(r: Extract<Raw, { t: 'unary' }>, depth: number): null {
    let inner = r.operand;
    while (inner.t === 'paren') inner = inner.inner;
    if (inner.t === 'num') {
      const lit = this.literal(inner, true);
      // Two's complement in the argument's width, which is what the caller's register holds.
      const u64 = lit ? `0x${((1n << 64n) - lit.value).toString(16)}u` : '';
      const hint = !lit ? undefined
        : lit.value === 0n ? 'write 0'
          : lit.value <= 1n << 31n ? `write 0x${((1n << 32n) - lit.value).toString(16)} for a 32-bit argument, or ${u64} for a 64-bit one`
            : lit.value <= 1n << 63n ? `write ${u64} for a 64-bit argument` : undefined;
      return this.err('SF4102', {}, r, hint);
    }
    if (!this.value(r.operand, depth + 1)) return null;
    return this.err('SF4101', { what: "arithmetic ('-')", suggestion: '' }, r);
  }

  compare(r: Extract<Raw, { t: 'binary' }>, op: CmpOp, depth: number): Expr | null {
    const l = this.value(r.left, depth);
    const v = this.value(r.right, depth);
    if (!l || !v) return null;
    if (l.kind === 'arg' && v.kind === 'arg') return this.err('SF4107', {}, r);
    if (l.kind === 'operand' && v.kind === 'operand') return this.err('SF4108', { op, value: this.src(r.right) }, r);
    const pos = { start: r.start, end: r.end };
    // Constant on the left is normalised: `5 < args[0]` is `args[0] > 5`.
    if (l.kind === 'arg' && v.kind === 'operand') return { kind: 'cmp', op, arg: l.arg, value: v.operand, ...pos };
    if (l.kind === 'operand' && v.kind === 'arg') return { kind: 'cmp', op: FLIP[op], arg: v.arg, value: l.operand, ...pos };
    return null;
  }

  inList(r: Extract<Raw, { t: 'binary' }>, depth: number): Expr | null {
    const l = this.value(r.left, depth);
    let list = r.right;
    let d = depth;
    while (list.t === 'paren' && !this.tooDeep(list, d + 1)) {
      list = list.inner;
      d++;
    }
    if (list.t !== 'list') {
      if (list.t !== 'paren') this.value(list, d);
      return this.err('SF4115', { detail: 'in takes a list of constants, as in args[0] in [AF_UNIX, AF_INET]' }, r.right);
    }
    if (this.tooDeep(list, d + 1)) return null;
    if (list.items.length === 0) this.err('SF4115', { detail: 'the list is empty, so the test could never hold' }, list);
    const values: Operand[] = [];
    let ok = list.items.length > 0;
    for (const item of list.items) {
      const v = this.value(item, d + 1);
      if (!v) ok = false;
      else if (v.kind === 'arg') ok = this.err('SF4107', {}, item) ?? false;
      else values.push(v.operand);
    }
    if (!l) return null;
    if (l.kind === 'operand') return this.err('SF4108', { op: 'in', value: this.src(list) }, r);
    return ok ? { kind: 'in', arg: l.arg, values, start: r.start, end: r.end } : null;
  }

  flags(r: Extract<Raw, { t: 'call' }>, fn: FlagFn, depth: number): Expr | null {
    const target = this.receiver(r, depth);
    const values = this.operands(r, depth);
    if (r.args.length === 0) return this.err('SF4111', { fn, expected: 'one or more constants', found: 'none' }, r);
    if (!target || !values) return null;
    if (target.mask) {
      return this.err('SF4110', { detail: `${fn}() applies to the argument itself: write args[${target.index}].${fn}(…)` }, r);
    }
    return { kind: 'flags', fn, arg: target, values, start: r.start, end: r.end };
  }

  /** The argument a method is called on. */
  receiver(r: Extract<Raw, { t: 'call' }>, depth: number): ArgRef | null {
    const v = this.value(r.target!, depth);
    if (!v) return null;
    if (v.kind === 'operand') {
      return this.err('SF4106', { detail: `${r.name}() applies to an argument, as in args[0].${r.name}(…), not to a constant` }, r.target!);
    }
    return v.arg;
  }

  operands(r: Extract<Raw, { t: 'call' }>, depth: number): Operand[] | null {
    const out: Operand[] = [];
    let ok = true;
    for (const a of r.args) {
      const v = this.value(a, depth + 1);
      if (!v) ok = false;
      else if (v.kind === 'arg') ok = this.err('SF4107', {}, a) ?? false;
      else out.push(v.operand);
    }
    return ok ? out : null;
  }

  value(r: Raw, depth: number): Value | null {
    if (this.tooDeep(r, depth)) return null;
    switch (r.t) {
      case 'paren':
        return this.value(r.inner, depth + 1);
      case 'num': {
        const lit = this.literal(r, false);
        return lit && { kind: 'operand', operand: { kind: 'int', value: lit.value, start: r.start, end: r.end } };
      }
      case 'ident':
        if (r.name === 'args') return this.err('SF4106', { detail: 'args needs an index: the arguments are args[0] to args[5]' }, r);
        if (UPPER_SNAKE.test(r.name)) return { kind: 'operand', operand: { kind: 'const', name: r.name, start: r.start, end: r.end } };
        return this.err('SF4116', { name: r.name, suggestion: nameSuggestion(r.name) }, r);
      case 'index':
        return this.argIndex(r, depth);
      case 'call': {
        if (!r.target) {
          const hint = METHODS.includes(r.name) ? `; it is a method: args[N].${r.name}(…)` : suggestion(r.name, METHODS);
          return this.err('SF4101', { what: `the function ${r.name}()`, suggestion: hint }, { start: r.start, end: r.nameStart + r.name.length });
        }
        if (r.name === 'masked') return this.masked(r, depth);
        if ((FLAG_FNS as readonly string[]).includes(r.name)) {
          if (!this.flags(r, r.name as FlagFn, depth)) return null;
          return this.err('SF4117', { what: this.src(r) }, r);
        }
        return this.err('SF4101', { what: `the method ${r.name}()`, suggestion: suggestion(r.name, METHODS) }, { start: r.nameStart, end: r.nameStart + r.name.length });
      }
      case 'select':
        if (METHODS.includes(r.name)) return this.err('SF4100', { detail: `expected '(' after ${r.name}` }, { start: r.nameStart, end: r.end });
        return this.err('SF4101', { what: `the field selection .${r.name}`, suggestion: suggestion(r.name, METHODS) }, { start: r.nameStart - 1, end: r.end });
      case 'unary':
        if (r.op === '-') return this.minus(r, depth);
        return this.err('SF4109', { what: this.src(r.operand), fix: "'!' applies to conditions: write !(… == …), or use !=" }, r);
      case 'bool':
      case 'binary':
        if (r.t === 'binary' && r.op !== '&&' && r.op !== '||' && r.left.t === 'binary' && RELOPS.has(r.left.op)) {
          return this.err('SF4114', {}, { start: r.opStart, end: r.opEnd });
        }
        if (r.t === 'binary' && !this.cond(r, depth)) return null;
        return this.err('SF4117', { what: this.src(r) }, r);
      case 'list':
        return this.err('SF4115', { detail: 'a list can only follow in, as in args[0] in [1, 2]' }, r);
      case 'null':
        return this.err('SF4101', { what: 'null', suggestion: '' }, r);
    }
  }

  argIndex(r: Extract<Raw, { t: 'index' }>, depth: number): Value | null {
    let target = r.target;
    while (target.t === 'paren') target = target.inner;
    if (target.t !== 'ident' || target.name !== 'args') {
      const t = this.value(r.target, depth);
      if (!t) return null;
      return this.err('SF4101', { what: `indexing ${this.src(r.target)}`, suggestion: '; only args is indexed: args[0] to args[5]' }, r);
    }
    let ix = r.index;
    while (ix.t === 'paren') ix = ix.inner;
    if (ix.t !== 'num') {
      if (ix.t === 'unary' && ix.op === '-') return this.err('SF4106', { detail: 'the index of args is a literal from 0 to 5' }, r.index);
      return this.err('SF4106', { detail: 'the index of args must be a literal number from 0 to 5, as in args[1]' }, r.index);
    }
    const lit = this.literal(ix, false);
    if (!lit) return null;
    // CEL indexes lists with int: args[1u] is a type error there.
    if (lit.unsigned) return this.err('SF4106', { detail: 'the index of args is written without the u suffix, as in args[1]' }, ix);
    if (lit.value >= BigInt(MAX_ARGS)) {
      return this.err('SF4106', { detail: `args[${lit.value}] does not exist: seccomp passes six arguments, args[0] to args[5]` }, r);
    }
    return { kind: 'arg', arg: { index: Number(lit.value), mask: null, start: r.start, end: r.end } };
  }

  masked(r: Extract<Raw, { t: 'call' }>, depth: number): Value | null {
    const target = this.receiver(r, depth);
    const ops = this.operands(r, depth);
    if (r.args.length !== 1) {
      return this.err('SF4111', { fn: 'masked', expected: 'one constant', found: r.args.length === 0 ? 'none' : String(r.args.length) }, r);
    }
    if (!target || !ops) return null;
    if (target.mask) return this.err('SF4110', { detail: 'masked() applies once: combine the masks into one constant' }, r);
    return { kind: 'arg', arg: { index: target.index, mask: ops[0]!, start: r.start, end: r.end } };
  }

  /**
   * An integer literal as CEL writes it (cel-spec langdef.md: INT_LIT, UINT_LIT): decimal or
   * 0x hex, optional u/U suffix; 2^63 and above need the suffix. Leading zeros are refused:
   * CEL reads 0644 as decimal, a C programmer as octal.
   */
  literal(r: Extract<Raw, { t: 'num' }>, negated: boolean): { value: bigint; unsigned: boolean } | null {
    const m = /^(0x[0-9a-fA-F]+|[0-9]+)([uU]?)$/.exec(r.text);
    if (!m) {
      if (/^[0-9]+(\.|[eE][0-9]*$)/.test(r.text)) return this.err('SF4101', { what: 'a floating-point number', suggestion: '' }, r);
      if (/^0X/.test(r.text)) return this.err('SF4105', { found: r.text, detail: 'write the hexadecimal prefix as 0x' }, r, `write ${'0x' + r.text.slice(2)}`);
      return this.err('SF4105', { found: r.text, detail: 'use decimal digits, or 0x and hexadecimal digits, optionally followed by u' }, r);
    }
    const digits = m[1]!;
    if (/^0[0-9]/.test(digits)) {
      const octal = /^[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : null;
      const hint = octal === null ? `write ${BigInt(digits)}` : `if you meant octal, write 0x${octal.toString(16)} (${octal}); else ${BigInt(digits)}`;
      return this.err('SF4105', { found: r.text, detail: 'a leading zero (CEL has no octal numbers)' }, r, hint);
    }
    const value = BigInt(digits);
    const unsigned = m[2] !== '';
    if (value > U64_MAX) return this.err('SF4103', { found: r.text }, r);
    if (!negated && !unsigned && value >= 1n << 63n) return this.err('SF4104', { found: r.text, fixed: `${r.text}u` }, r);
    return { value, unsigned };
  }
}

function nameSuggestion(name: string): string {
  const near = didYouMean(name, ['args', 'true', 'false']);
  if (near) return `; did you mean "${near}"?`;
  const upper = name.toUpperCase();
  return UPPER_SNAKE.test(upper) ? `; did you mean "${upper}"?` : '';
}
