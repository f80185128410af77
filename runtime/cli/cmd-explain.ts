import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolvePolicy, irPointer, rawPointer } from '../../compiler/compile.js';
import { explainText } from '../../compiler/explain.js';
import { explainSyscalls } from '../../compiler/explain-syscalls.js';
import type { PolicyIR } from '../../compiler/ir/policy-ir.js';
import type { Why } from '../../compiler/4-lower/seccomp/lower-seccomp.js';
import { hasErrors } from '../../compiler/diagnostics/types.js';
import { fsHost } from '../fs-host.js';
import { verifyBundle } from '../bundle/verify-bundle.js';
import { EXIT, parse, UsageError, type Io } from './main.js';
import { report } from './report.js';

export function explainCommand(args: string[], io: Io): number {
  const { positionals, values } = parse(args, { syscalls: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('explain takes one policy file or bundle directory');
  const target = resolve(io.cwd, positionals[0]!);
  const syscalls = values.syscalls === true;
  if (existsSync(target) && statSync(target).isDirectory()) return explainBundle(target, io, syscalls);
  const r = resolvePolicy(target, fsHost(io.cwd));
  report(io, 'text', r.diagnostics, r.texts, true);
  if (!r.resolved || hasErrors(r.diagnostics)) return EXIT.policy;
  const { merged, chain, ir } = r.resolved;
  const origin = (ptr: string) => {
    const s = merged.origins.get(ptr);
    return s ? `${s.file}:${s.line}:${s.col}` : undefined;
  };
  if (syscalls) {
    io.out(`# seccomp verdicts of policy "${ir.name}"\n` + explainSyscalls(ir, whyText((ptr) => origin(rawPointer(ptr)))));
    return EXIT.ok;
  }
  const header = [
    `effective policy "${ir.name}" after extends: ${chain.map((l) => l.display).join(' → ')}`,
    'each value is followed by the file:line:col it comes from; keys not shown take the defaults of docs/policy.md',
  ];
  io.out(explainText(merged.policy, origin, header));
  return EXIT.ok;
}

/** A verdict's origin as "text (file:line:col)". */
function whyText(origin: (irPtr: string) => string | undefined) {
  return (why: Why): string => {
    const o = why.ptr ? origin(why.ptr) : undefined;
    return o ? `${why.text} (${o})` : why.text;
  };
}

function explainBundle(dir: string, io: Io, syscalls: boolean): number {
  const v = verifyBundle(dir);
  report(io, 'text', v.diagnostics, new Map(), true);
  if (!v.manifest) return EXIT.policy;
  const ir = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8')) as { name: string; chain: string[] };
  const sm = JSON.parse(readFileSync(join(dir, 'sourcemap.json'), 'utf8')) as { entries: Record<string, { file: string; line: number; col: number }> };
  const origin = (ptr: string) => {
    const s = sm.entries[`policy.json#${ptr}`] ?? sm.entries[`policy.json#${irPointer(ptr)}`];
    return s ? `${s.file}:${s.line}:${s.col}` : undefined;
  };
  if (syscalls) {
    io.out(`# seccomp verdicts of bundle ${dir} (policy "${ir.name}", verified)\n` + explainSyscalls(ir as PolicyIR, whyText(origin)));
    return EXIT.ok;
  }
  const header = [`bundle ${dir}: policy "${ir.name}" (verified), chain ${ir.chain.join(' → ')}`, 'values without a comment are defaults'];
  io.out(explainText(ir, origin, header));
  return EXIT.ok;
}
