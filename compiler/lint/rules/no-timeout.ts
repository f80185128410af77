import type { LintRule } from '../rule.js';

/** SF6005: nothing stops a runaway task. */
export const noTimeout: LintRule = {
  code: 'SF6005',
  name: 'no-timeout',
  check(ctx) {
    if (ctx.ir.resources.timeoutMs !== null) return [];
    return [{ span: ctx.entryKey('/resources') ?? ctx.entry, args: {} }];
  },
};
