import type { PolicyIR } from '../ir/policy-ir.js';
import type { Lowered } from './lower-mounts.js';

/**
 * The environment inside: empty, then the host variables named in `pass` (those that are
 * set), then `set`, which overrides a passed value of the same name.
 */
export interface EnvPlan {
  format: 'sandforge-env/1';
  clear: true;
  pass: string[];
  set: Record<string, string>;
}

export function lowerEnv(ir: PolicyIR): Lowered<EnvPlan> {
  const origins: Record<string, string> = {};
  ir.env.pass.forEach((_, i) => (origins[`/pass/${i}`] = `/env/pass/${i}`));
  for (const k of Object.keys(ir.env.set)) origins[`/set/${k}`] = `/env/set/${k}`;
  return { value: { format: 'sandforge-env/1', clear: true, pass: [...ir.env.pass], set: { ...ir.env.set } }, origins, diagnostics: [] };
}
