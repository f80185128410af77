import { diag } from '../../compiler/diagnostics/catalog.js';
import { openRoot, resolveBelow, RootError, type Root } from '../paths/resolve-path.js';
import { PathSystemError, type Mode } from '../paths/outcome.js';
import { EXIT, parse, UsageError, type Io } from './main.js';
import { report } from './report.js';

const USAGE = 'usage: sandforge path resolve --root DIR --mode beneath|in-root [--json] [--json-input] [--nofollow] -- PATH...';

/**
 * `sandforge path resolve`: resolve each PATH below --root with the kernel's openat2(2)
 * semantics (runtime/paths/resolve-path.ts) and print one line per path, in input order.
 * With --json each line is {"path", "outcome", "resolved"} (resolved relative to the root,
 * null unless the outcome is ok); --json-input reads the paths as a JSON array of strings on
 * standard input, so that NUL bytes and other odd strings can be given.
 * Exit code: 0 when every path resolved (ok), 1 when any did not, 2 usage (docs/paths.md#cli).
 */
export async function pathCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'resolve') throw new UsageError(sub === undefined ? `path needs a subcommand\n${USAGE}` : `unknown path subcommand "${sub}"\n${USAGE}`);
  const { values, positionals } = parse(rest, {
    root: { type: 'string' },
    mode: { type: 'string' },
    json: { type: 'boolean' },
    'json-input': { type: 'boolean' },
    nofollow: { type: 'boolean' },
  });
  if (values.root === undefined) throw new UsageError(`path resolve needs --root DIR\n${USAGE}`);
  const mode = values.mode;
  if (mode !== 'beneath' && mode !== 'in-root') throw new UsageError(`--mode must be beneath or in-root${mode === undefined ? '' : `, not "${mode}"`}\n${USAGE}`);
  let paths: string[];
  if (values['json-input']) {
    if (positionals.length > 0) throw new UsageError('with --json-input the paths come from standard input only; give no PATH arguments');
    paths = parseJsonInput(await (io.readStdin ?? readProcessStdin)());
  } else {
    if (positionals.length === 0) throw new UsageError(`path resolve needs at least one PATH (or --json-input)\n${USAGE}`);
    paths = positionals;
  }

  let root: Root;
  try {
    root = openRoot(values.root, io.cwd);
  } catch (e) {
    if (!(e instanceof RootError) && !(e instanceof PathSystemError)) throw e;
    const reason = e instanceof RootError ? (e.outcome === 'not-a-directory' ? 'not a directory' : `it does not resolve (${e.outcome})`) : e.code;
    report(io, 'text', [diag('SF7100', { root: values.root, reason })], new Map(), false);
    return EXIT.policy;
  }

  let allOk = true;
  for (const path of paths) {
    let r;
    try {
      r = resolveBelow(root, path, mode as Mode, { follow: !values.nofollow });
    } catch (e) {
      if (!(e instanceof PathSystemError)) throw e;
      report(io, 'text', [diag('SF7101', { path: JSON.stringify(path), code: e.code })], new Map(), false);
      return EXIT.policy;
    }
    if (r.outcome !== 'ok') allOk = false;
    if (values.json) io.out(`${JSON.stringify({ path, outcome: r.outcome, resolved: r.resolved })}\n`);
    else io.out(`${r.outcome.padEnd(7)} ${r.resolved ?? '-'}\t${JSON.stringify(path)}\n`);
  }
  return allOk ? EXIT.ok : EXIT.policy;
}

function parseJsonInput(text: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--json-input: standard input is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
    throw new UsageError('--json-input: standard input must be a JSON array of strings, e.g. ["src/a.ts", "../x"]');
  }
  return v;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
