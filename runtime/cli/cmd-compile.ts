import { resolve } from 'node:path';
import { compilePolicy } from '../../compiler/compile.js';
import { hasErrors } from '../../compiler/diagnostics/types.js';
import { fsHost } from '../fs-host.js';
import { writeBundle } from '../bundle/write-bundle.js';
import { EXIT, parse, UsageError, type Io } from './main.js';
import { checkFormat, report } from './report.js';

export function compileCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, {
    out: { type: 'string', short: 'o' },
    format: { type: 'string' },
  });
  const format = checkFormat(values.format);
  if (positionals.length !== 1) throw new UsageError('compile takes one policy file: sandforge compile POLICY -o DIR');
  if (!values.out) throw new UsageError('compile needs an output directory: -o DIR');
  const entry = resolve(io.cwd, positionals[0]!);
  const r = compilePolicy(entry, fsHost(io.cwd));
  const ds = [...r.diagnostics];
  if (r.files && !hasErrors(ds)) ds.push(...writeBundle(resolve(io.cwd, values.out), r.files));
  report(io, format, ds, r.texts, true);
  if (hasErrors(ds)) return EXIT.policy;
  if (format === 'text') {
    const n = r.files!.size;
    io.err(`compiled ${r.resolved!.ir.name} → ${values.out}/ (${n} files)\n`);
  }
  return EXIT.ok;
}
