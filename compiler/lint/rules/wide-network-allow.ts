import type { LintRule } from '../rule.js';
import { parseCidr } from '../../2-validate/cidr.js';

/** SF6008: an allow entry so wide that fetch mode becomes open mode. */
export const wideNetworkAllow: LintRule = {
  code: 'SF6008',
  name: 'wide-network-allow',
  check(ctx) {
    return ctx.ir.network.allow.flatMap((a, i) => {
      if (a.cidr === null) return [];
      const r = parseCidr(a.cidr);
      if (!r.ok) return [];
      const limit = r.cidr.family === 4 ? 8 : 16;
      if (r.cidr.prefix >= limit) return [];
      const span = ctx.userOrigin(`/network/allow/${i}/cidr`);
      const what = r.cidr.prefix === 0 ? `every IPv${r.cidr.family} address` : `1/${2 ** r.cidr.prefix} of all IPv${r.cidr.family} addresses`;
      return span ? [{ span, args: { cidr: a.cidr, what } }] : [];
    });
  },
};
