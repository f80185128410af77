import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { importSeccompProfile, splitProfileSpec } from '../../compiler/3-resolve/import-seccomp.js';
import { seccompFragment } from '../../compiler/seccomp-fragment.js';
import { EXIT, parse, UsageError, type Io } from './main.js';

/** `sandforge seccomp import FILE[#thread] [--cap CAP_X ...]`: a profile as a policy fragment. */
export function seccompCommand(args: string[], io: Io): number {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new UsageError('usage: sandforge seccomp import FILE[#thread] [--cap CAP_NAME]...');
  const { positionals, values } = parse(rest, { cap: { type: 'string', multiple: true } });
  if (positionals.length !== 1) throw new UsageError('seccomp import takes one profile file');
  const spec = positionals[0]!;
  const parts = splitProfileSpec(spec);
  const file = resolve(io.cwd, parts.file);
  const caps = values.cap ?? [];
  for (const c of caps) if (!/^CAP_[A-Z_]+$/.test(c)) throw new UsageError(`--cap ${c}: expected a capability name such as CAP_SYS_PTRACE`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    io.err(`${spec}: error SF3202: cannot import seccomp profile: ${(e as Error).message}\n`);
    return EXIT.policy;
  }
  const r = importSeccompProfile(doc, { capabilities: caps, filter: parts.filter });
  if (!r.ok) {
    io.err(`${spec}: error SF3203: seccomp profile ${spec}: ${r.error}\n`);
    return EXIT.policy;
  }
  const notes = [`capabilities assumed: ${caps.length ? caps.join(', ') : 'none (as with process.capabilities: [])'}`];
  for (const s of r.skipped) notes.push(`entry ${s.index} left out: ${s.reason}`);
  io.out(seccompFragment(r.profile, spec, notes));
  return EXIT.ok;
}
