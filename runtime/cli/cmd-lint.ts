import { resolve } from 'node:path';
import { compilePolicy } from '../../compiler/compile.js';
import { lintResolved } from '../../compiler/lint/lint-policy.js';
import { hasErrors, uniqueBy, type Diagnostic } from '../../compiler/diagnostics/types.js';
import { fsHost } from '../fs-host.js';
import { expandGlobs } from './expand-globs.js';
import { EXIT, parse, UsageError, type Io } from './main.js';
import { checkFormat, report } from './report.js';

export function lintCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { format: { type: 'string' }, strict: { type: 'boolean' } });
  const format = checkFormat(values.format);
  if (positionals.length === 0) throw new UsageError('lint takes one or more policy files or globs');
  const host = fsHost(io.cwd);
  const all: Diagnostic[] = [];
  const texts = new Map<string, string>();
  const files = expandGlobs(positionals, io.cwd);
  for (const f of files) {
    const r = compilePolicy(resolve(io.cwd, f), host);
    for (const [k, v] of r.texts) texts.set(k, v);
    all.push(...r.diagnostics);
    if (r.resolved) all.push(...lintResolved(r.resolved));
  }
  // The same built-in file reached from several policies reports once.
  const unique = uniqueBy(all, (d) => `${d.code}|${d.span?.file}|${d.span?.line}|${d.span?.col}|${d.message}`);
  report(io, format, unique, texts, true);
  if (format === 'text' && unique.length === 0) io.err(`${files.length} ${files.length === 1 ? 'policy' : 'policies'} checked, no problems\n`);
  if (hasErrors(unique)) return EXIT.policy;
  if (values.strict && unique.length > 0) return EXIT.policy;
  return EXIT.ok;
}
