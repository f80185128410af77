import type { LintRule } from '../rule.js';
import { isWithin } from '../../3-resolve/host-path.js';

/** SF6002: writable host paths that are not inside the workspace. */
export const writeOutsideWorkspace: LintRule = {
  code: 'SF6002',
  name: 'write-outside-workspace',
  check(ctx) {
    const ws = ctx.ir.filesystem.workspace;
    return ctx.ir.filesystem.write.flatMap((p, i) => {
      const span = ctx.userOrigin(`/filesystem/write/${i}`);
      if (!span) return [];
      if (ws !== null && isWithin(p, ws)) return [];
      return [{ span, args: { path: p } }];
    });
  },
};
