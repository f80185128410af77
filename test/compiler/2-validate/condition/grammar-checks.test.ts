import { describe, expect, it } from 'vitest';
import { Lexer } from 'chevrotain';
import { ConditionParser } from '../../../../compiler/2-validate/condition/grammar.js';
import { allTokens } from '../../../../compiler/2-validate/condition/lex-condition.js';

// The compiler builds the condition lexer and parser with chevrotain's validations skipped
// (they cost ~25 ms of every CLI start-up). They run here instead, so that a grammar or token
// change that chevrotain would reject still fails the build.
describe('condition grammar passes chevrotain’s own checks', () => {
  it('lexer definitions are valid and keep the optimised fast path', () => {
    const lexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });
  it('parser self-analysis finds no ambiguity, left recursion or unresolvable alternative', () => {
    expect(() => new ConditionParser(true)).not.toThrow();
    expect(new ConditionParser(true).definitionErrors).toEqual([]);
  });
});
