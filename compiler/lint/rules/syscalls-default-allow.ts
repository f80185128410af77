import type { LintRule } from '../rule.js';

/** SF6004: a deny-list seccomp filter. */
export const syscallsDefaultAllow: LintRule = {
  code: 'SF6004',
  name: 'syscalls-default-allow',
  check(ctx) {
    const span = ctx.userOrigin('/syscalls/default');
    return ctx.ir.syscalls.default.kind === 'allow' && span ? [{ span, args: {} }] : [];
  },
};
