import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * Tokens of the condition language. The lexer knows a little more than the language (string
 * literals, comments, arithmetic operators, `null`) so that CEL the language leaves out is
 * reported as "not supported" (SF4101) at its position rather than as a confusing syntax
 * error. Whitespace is CEL's: space, tab, CR, LF, FF (cel-spec langdef.md, Syntax).
 */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /\/\/[^\n]*/, label: 'a comment' });
// Before Identifier: the prefixes r, b, rb … of raw and bytes literals look like names.
export const StringLit = createToken({
  name: 'StringLit',
  pattern: /(?:[rR][bB]?|[bB][rR]?)?(?:"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)/,
  label: 'a string',
});
/**
 * Anything that starts with a digit, up to the next character that cannot continue a number:
 * the parser validates the text (decimal, 0x hex, u suffix) so that `0644`, `1.5` or `0X1f`
 * get a precise message instead of being split into several tokens.
 */
export const NumberLit = createToken({ name: 'NumberLit', pattern: /[0-9][0-9A-Za-z_]*(?:\.[0-9][0-9A-Za-z_]*)?/, label: 'a number' });
export const Identifier = createToken({ name: 'Identifier', pattern: /[_A-Za-z][_A-Za-z0-9]*/, label: 'a name' });
export const True = createToken({ name: 'True', pattern: /true/, longer_alt: Identifier, label: "'true'" });
export const False = createToken({ name: 'False', pattern: /false/, longer_alt: Identifier, label: "'false'" });
export const Null = createToken({ name: 'Null', pattern: /null/, longer_alt: Identifier, label: "'null'" });
export const In = createToken({ name: 'In', pattern: /in/, longer_alt: Identifier, label: "'in'" });
export const OrOr = createToken({ name: 'OrOr', pattern: /\|\|/, label: "'||'" });
export const AndAnd = createToken({ name: 'AndAnd', pattern: /&&/, label: "'&&'" });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, label: "'=='" });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, label: "'!='" });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: "'>='" });
export const Less = createToken({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: "'>'" });
export const Bang = createToken({ name: 'Bang', pattern: /!/, label: "'!'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
/** CEL (or C) operators the language leaves out; after the two-character operators above. */
export const Unsupported = createToken({ name: 'Unsupported', pattern: /[+*/%?:{}^~|&=]/, label: 'an operator' });

export const allTokens: TokenType[] = [
  WhiteSpace, Comment, StringLit, NumberLit, True, False, Null, In, Identifier,
  OrOr, AndAnd, EqEq, NotEq, LessEq, GreaterEq, Less, Greater, Bang, Minus,
  LParen, RParen, LBracket, RBracket, Comma, Dot, Unsupported,
];

let lexer: Lexer | undefined;

/** The lexer, built on first use (keeps CLI start-up free of it when no rule has a condition). */
export function conditionLexer(): Lexer {
  // The token set is fixed and covered by tests, so chevrotain's definition checks (the bulk of
  // its construction time, ~14 ms of every CLI compile) are skipped; ensureOptimizations
  // stays on so that a token that would disable the fast path is still a test failure.
  lexer ??= new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: true });
  return lexer;
}
