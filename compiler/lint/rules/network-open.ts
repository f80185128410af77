import type { LintRule } from '../rule.js';

/** SF6001: open mode reaches everything but the deny list. */
export const networkOpen: LintRule = {
  code: 'SF6001',
  name: 'network-open',
  check(ctx) {
    const span = ctx.userOrigin('/network/mode');
    return ctx.ir.network.mode === 'open' && span ? [{ span, args: {} }] : [];
  },
};
