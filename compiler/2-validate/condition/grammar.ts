import { EmbeddedActionsParser, EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import {
  allTokens, AndAnd, Bang, Comma, Dot, EqEq, False, Greater, GreaterEq, Identifier, In, LBracket, Less, LessEq,
  LParen, Minus, NotEq, Null, NumberLit, OrOr, RBracket, RParen, True,
} from './lex-condition.js';
import type { CmpOp, Pos } from './ast.js';

/**
 * The syntax tree as written, before the language's rules about what may be compared with
 * what (parse-condition.ts turns it into an Expr, reporting those rules at their positions).
 * The grammar is CEL's expression grammar (cel-spec langdef.md, Syntax) without the ternary
 * operator, arithmetic, map and message literals:
 *
 *   expr     = and { "||" and }
 *   and      = relation { "&&" relation }
 *   relation = unary { ( "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" ) unary }
 *   unary    = { "!" | "-" } member
 *   member   = primary { "." NAME [ "(" [ args ] ")" ] | "[" expr "]" }
 *   primary  = NUMBER | "true" | "false" | "null" | NAME [ "(" [ args ] ")" ]
 *            | "(" expr ")" | "[" [ expr { "," expr } [ "," ] ] "]"
 *   args     = expr { "," expr }
 *
 * so precedence and associativity are CEL's: `!` binds tighter than comparisons, which bind
 * tighter than `&&`, then `||`; all binary operators are left-associative.
 */
export type Raw =
  | ({ t: 'num'; text: string } & Pos)
  | ({ t: 'bool'; value: boolean } & Pos)
  | ({ t: 'null' } & Pos)
  | ({ t: 'ident'; name: string } & Pos)
  | ({ t: 'paren'; inner: Raw } & Pos)
  | ({ t: 'list'; items: Raw[] } & Pos)
  | ({ t: 'index'; target: Raw; index: Raw } & Pos)
  | ({ t: 'select'; target: Raw; name: string; nameStart: number } & Pos)
  | ({ t: 'call'; target: Raw | null; name: string; nameStart: number; args: Raw[] } & Pos)
  | ({ t: 'unary'; op: '!' | '-'; operand: Raw } & Pos)
  | ({ t: 'binary'; op: '||' | '&&' | CmpOp | 'in'; opStart: number; opEnd: number; left: Raw; right: Raw } & Pos);

const end = (t: IToken): number => t.startOffset + t.image.length;

const describe = (t: IToken): string => (t.tokenType === EOF ? 'the end of the condition' : `'${t.image}'`);

/** Short messages in the words of the language rather than chevrotain's token names. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${expected.LABEL ?? expected.name}, found ${describe(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describe(firstRedundant)} after the end of the condition`,
  buildNoViableAltMessage: ({ actual }) => `expected a condition or a value, found ${describe(actual[0]!)}`,
  buildEarlyExitMessage: ({ actual }) => `expected a condition or a value, found ${describe(actual[0]!)}`,
};

const RELOPS: [TokenType, CmpOp | 'in'][] = [[EqEq, '=='], [NotEq, '!='], [LessEq, '<='], [GreaterEq, '>='], [Less, '<'], [Greater, '>'], [In, 'in']];

export class ConditionParser extends EmbeddedActionsParser {
  /** `validate`: run chevrotain's grammar checks (the tests do; the compiler skips them). */
  constructor(validate = false) {
    // No recovery: the first syntax error is reported, and nothing is guessed after it.
    // The grammar is fixed: its checks run once in the tests (test/compiler/2-validate/condition/
    // grammar-checks.test.ts) instead of costing ~10 ms of every CLI compile.
    super(allTokens, { recoveryEnabled: false, maxLookahead: 2, errorMessageProvider: messages, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  expr = this.RULE('expr', (): Raw => {
    let left = this.SUBRULE(this.and);
    this.MANY(() => {
      const op = this.CONSUME(OrOr);
      const right = this.SUBRULE2(this.and);
      left = this.ACTION(() => binary('||', op, left, right));
    });
    return left;
  });

  and = this.RULE('and', (): Raw => {
    let left = this.SUBRULE(this.relation);
    this.MANY(() => {
      const op = this.CONSUME(AndAnd);
      const right = this.SUBRULE2(this.relation);
      left = this.ACTION(() => binary('&&', op, left, right));
    });
    return left;
  });

  relation = this.RULE('relation', (): Raw => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      let op: CmpOp | 'in' = '==';
      const tok = this.OR(RELOPS.map(([tt, name]) => ({ ALT: () => { op = name; return this.CONSUME(tt); } })));
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => binary(op, tok, left, right));
    });
    return left;
  });

  unary = this.RULE('unary', (): Raw => {
    const ops: IToken[] = [];
    this.MANY(() => {
      ops.push(this.OR([{ ALT: () => this.CONSUME(Bang) }, { ALT: () => this.CONSUME(Minus) }]));
    });
    const operand = this.SUBRULE(this.member);
    // Built inside out with a loop: a run of 4000 `!` costs no recursion here.
    return this.ACTION(() => {
      let r = operand;
      for (let i = ops.length - 1; i >= 0; i--) {
        const t = ops[i]!;
        r = { t: 'unary', op: t.image === '!' ? '!' : '-', operand: r, start: t.startOffset, end: r.end };
      }
      return r;
    });
  });

  member = this.RULE('member', (): Raw => {
    let target = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Dot);
            const name = this.CONSUME(Identifier);
            let call: { args: Raw[]; close: IToken } | null = null;
            this.OPTION(() => {
              call = this.SUBRULE(this.callArgs);
            });
            target = this.ACTION((): Raw => {
              const c = call as { args: Raw[]; close: IToken } | null;
              return c
                ? { t: 'call', target, name: name.image, nameStart: name.startOffset, args: c.args, start: target.start, end: end(c.close) }
                : { t: 'select', target, name: name.image, nameStart: name.startOffset, start: target.start, end: end(name) };
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(LBracket);
            const index = this.SUBRULE(this.expr);
            const close = this.CONSUME(RBracket);
            target = this.ACTION((): Raw => ({ t: 'index', target, index, start: target.start, end: end(close) }));
          },
        },
      ]);
    });
    return target;
  });

  callArgs = this.RULE('callArgs', (): { args: Raw[]; close: IToken } => {
    const args: Raw[] = [];
    this.CONSUME(LParen);
    this.OPTION(() => {
      args.push(this.SUBRULE(this.expr));
      this.MANY(() => {
        this.CONSUME(Comma);
        args.push(this.SUBRULE2(this.expr));
      });
    });
    const close = this.CONSUME(RParen);
    return { args, close };
  });

  primary = this.RULE('primary', (): Raw =>
    this.OR([
      { ALT: () => { const t = this.CONSUME(NumberLit); return { t: 'num', text: t.image, start: t.startOffset, end: end(t) }; } },
      { ALT: () => { const t = this.CONSUME(True); return { t: 'bool', value: true, start: t.startOffset, end: end(t) }; } },
      { ALT: () => { const t = this.CONSUME(False); return { t: 'bool', value: false, start: t.startOffset, end: end(t) }; } },
      { ALT: () => { const t = this.CONSUME(Null); return { t: 'null', start: t.startOffset, end: end(t) }; } },
      {
        ALT: () => {
          const t = this.CONSUME(Identifier);
          let call: { args: Raw[]; close: IToken } | null = null;
          this.OPTION(() => {
            call = this.SUBRULE(this.callArgs);
          });
          return this.ACTION((): Raw => {
            const c = call as { args: Raw[]; close: IToken } | null;
            return c
              ? { t: 'call', target: null, name: t.image, nameStart: t.startOffset, args: c.args, start: t.startOffset, end: end(c.close) }
              : { t: 'ident', name: t.image, start: t.startOffset, end: end(t) };
          });
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(LParen);
          const inner = this.SUBRULE(this.expr);
          const close = this.CONSUME(RParen);
          return { t: 'paren', inner, start: open.startOffset, end: end(close) };
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(LBracket);
          const items: Raw[] = [];
          this.OPTION2(() => {
            items.push(this.SUBRULE2(this.expr));
            // CEL allows one trailing comma in a list literal: [1, 2,].
            this.MANY({
              GATE: () => this.LA(2).tokenType !== RBracket,
              DEF: () => {
                this.CONSUME(Comma);
                items.push(this.SUBRULE3(this.expr));
              },
            });
            this.OPTION3(() => this.CONSUME2(Comma));
          });
          const close = this.CONSUME(RBracket);
          return { t: 'list', items, start: open.startOffset, end: end(close) };
        },
      },
    ]),
  );
}

function binary(op: Extract<Raw, { t: 'binary' }>['op'], tok: IToken, left: Raw, right: Raw): Raw {
  return { t: 'binary', op, opStart: tok.startOffset, opEnd: end(tok), left, right, start: left.start, end: right.end };
}

let parser: ConditionParser | undefined;

export interface SyntaxResult {
  raw: Raw | null;
  /** The first syntax error: message and the offending token. */
  error: { message: string; token: IToken } | null;
}

/** Parses tokens into the written tree; stops at the first syntax error. */
export function parseTokens(tokens: IToken[]): SyntaxResult {
  // Built on first use: the self-analysis costs a few milliseconds.
  parser ??= new ConditionParser();
  parser.input = tokens;
  const raw = parser.expr();
  const e = parser.errors[0];
  if (e) return { raw: null, error: { message: e.message, token: e.token } };
  return { raw, error: null };
}
