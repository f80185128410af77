import type { LintRule } from '../rule.js';

/** SF6004: a deny-list seccomp filter. `log` lets the call run too (seccomp(2): SECCOMP_RET_LOG). */
export const syscallsDefaultAllow: LintRule = {
  code: 'SF6004',
  name: 'syscalls-default-allow',
  check(ctx) {
    const span = ctx.userOrigin('/syscalls/default');
    const kind = ctx.ir.syscalls.default.kind;
    return (kind === 'allow' || kind === 'log') && span ? [{ span, args: { action: kind } }] : [];
  },
};
