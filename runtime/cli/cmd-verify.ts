import { resolve } from 'node:path';
import { verifyBundle } from '../bundle/verify-bundle.js';
import { EXIT, parse, UsageError, type Io } from './main.js';
import { checkFormat, report } from './report.js';

export function verifyCommand(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { format: { type: 'string' } });
  const format = checkFormat(values.format);
  if (positionals.length !== 1) throw new UsageError('verify takes one bundle directory');
  const dir = resolve(io.cwd, positionals[0]!);
  const v = verifyBundle(dir);
  report(io, format, v.diagnostics, new Map(), true);
  if (!v.manifest) return EXIT.policy;
  if (format === 'text') io.err(`${positionals[0]}: bundle ok (${Object.keys(v.manifest.artifacts).length} artifacts, policy ${v.manifest.policy.name}, compiler ${v.manifest.compiler.version})\n`);
  return EXIT.ok;
}
