import { parseArgs, type ParseArgsConfig } from 'node:util';
import { COMPILER_VERSION } from '../../compiler/version.js';

/** Exit codes of the CLI contract (DESIGN.md). */
export const EXIT = { ok: 0, policy: 1, usage: 2, internal: 70 } as const;

export class UsageError extends Error {}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  cwd: string;
  /** All of standard input (used by `path resolve --json-input`); tests pass their own. */
  readStdin?: () => Promise<string>;
}

const HELP = `sandforge ${COMPILER_VERSION} — compile and check sandbox policies for AI coding agents

usage: sandforge <command> [options]

commands:
  compile POLICY -o DIR       write the hashed bundle of POLICY to DIR
  lint POLICY...              check policies (files or globs) for errors and risky choices
  explain POLICY|DIR          print the effective policy, each value with its origin
    --syscalls                the seccomp verdict of every syscall, per architecture
  seccomp import FILE         an OCI/Docker or Firecracker (FILE#thread) profile as policy text
  verify DIR                  check a bundle's manifest format and every artifact hash
  check POLICY|DIR --read P --write P --create P --delete P --exec P
                              would the sandbox allow it, and which rule decides (docs/paths.md)
  path resolve --root DIR --mode beneath|in-root [--json] [--json-input] -- PATH...
                              resolve paths below DIR as openat2(2) would, one line each
  doctor                      report system packages and kernel features on this host

options:
  --format text|json|sarif|github   diagnostics format (compile, lint); default text
  --strict                          lint: warnings make the exit code 1
  -h, --help                        this help
  --version                         print the version

exit codes: 0 ok, 1 policy errors, 2 usage, 70 internal error
docs: docs/policy.md, docs/diagnostics.md
`;

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, positionalsAllowed = true) {
  try {
    return parseArgs({ args, options, allowPositionals: positionalsAllowed, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(HELP);
        return cmd === undefined ? EXIT.usage : EXIT.ok;
      case '--version':
      case '-v':
        io.out(`sandforge ${COMPILER_VERSION}\n`);
        return EXIT.ok;
      case 'compile':
        return (await import('./cmd-compile.js')).compileCommand(rest, io);
      case 'lint':
        return (await import('./cmd-lint.js')).lintCommand(rest, io);
      case 'explain':
        return (await import('./cmd-explain.js')).explainCommand(rest, io);
      case 'seccomp':
        return (await import('./cmd-seccomp.js')).seccompCommand(rest, io);
      case 'verify':
        return (await import('./cmd-verify.js')).verifyCommand(rest, io);
      case 'check':
        return (await import('./cmd-check.js')).checkCommand(rest, io);
      case 'path':
        // awaited here so that a rejection reaches the catch below (usage errors, exit 2)
        return await (await import('./cmd-path.js')).pathCommand(rest, io);
      case 'doctor':
        return (await import('./cmd-doctor.js')).doctorCommand(rest, io);
      default:
        throw new UsageError(`unknown command "${cmd}"; run \`sandforge --help\``);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sandforge: ${e.message}\n`);
      return EXIT.usage;
    }
    // No stack trace reaches a user unless asked for.
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`sandforge: error SF9001: internal error: ${msg}\n`);
    if (process.env['SANDFORGE_DEBUG']) io.err(`${(e as Error).stack ?? ''}\n`);
    else io.err('  (set SANDFORGE_DEBUG=1 for details, and please report this)\n');
    return EXIT.internal;
  }
}

function defaultIo(): Io {
  return { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), cwd: process.cwd() };
}
