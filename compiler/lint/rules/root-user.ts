import type { LintRule } from '../rule.js';

/** SF6010: uid 0 inside. */
export const rootUser: LintRule = {
  code: 'SF6010',
  name: 'root-user',
  check(ctx) {
    const span = ctx.userOrigin('/process/user');
    return ctx.ir.process.user === 0 && span ? [{ span, args: {} }] : [];
  },
};
