import type { LintRule } from '../rule.js';

/** SF6007: capabilities kept inside the sandbox. */
export const capabilities: LintRule = {
  code: 'SF6007',
  name: 'capabilities',
  check(ctx) {
    return ctx.ir.process.capabilities.flatMap((cap, i) => {
      const span = ctx.userOrigin(`/process/capabilities/${i}`);
      return span ? [{ span, args: { caps: cap } }] : [];
    });
  },
};
