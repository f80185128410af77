import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolvePolicy } from '../../compiler/compile.js';
import { hasErrors } from '../../compiler/diagnostics/types.js';
import type { PolicyIR } from '../../compiler/ir/policy-ir.js';
import { decide, FS_OPS, type Decision, type FsOp, type SourceRef } from '../../compiler/paths/decide.js';
import { fsHost } from '../fs-host.js';
import { verifyBundle } from '../bundle/verify-bundle.js';
import { resolveBelow } from '../paths/resolve-path.js';
import { PathSystemError, type Outcome } from '../paths/outcome.js';
import { EXIT, UsageError, type Io } from './main.js';
import { report } from './report.js';

/**
 * `sandforge check POLICY|BUNDLE --read P --write P --create P --delete P --exec P …`: would
 * the sandbox built from this policy allow each access, and which entry decided (the "why
 * was this blocked" answer). Queries are answered in the order given. Each path is first
 * resolved on this host exactly as the kernel would (runtime/paths/resolve-path.ts: symlinks
 * followed, `..` after them right); the decision is compiler/paths/decide.ts on the result.
 * Exit code: 0 when every query is allowed, 1 when any is denied (or the policy has errors),
 * 2 usage (docs/paths.md#sandforge-check).
 */
interface Query {
  op: FsOp;
  path: string;
}

interface Answer {
  query: Query;
  /** The absolute host path decided on, or null when the path does not resolve. */
  resolved: string | null;
  /** True when the path (or its last components) does not exist yet on this host. */
  missing: boolean;
  decision: Decision | null;
  unresolved: Outcome | null;
}

export function checkCommand(args: string[], io: Io): number {
  const options = {
    json: { type: 'boolean' },
    home: { type: 'string' },
    ...Object.fromEntries(FS_OPS.map((op) => [op, { type: 'string', multiple: true }])),
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args, options: options as Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
  const { positionals, values, tokens } = parsed;
  if (positionals.length !== 1) throw new UsageError('check takes one policy file or bundle directory: sandforge check POLICY --read PATH --write PATH …');
  const queries: Query[] = [];
  for (const t of tokens) {
    if (t.kind === 'option' && (FS_OPS as readonly string[]).includes(t.name)) {
      if (t.value === undefined) throw new UsageError(`--${t.name} needs a path`);
      queries.push({ op: t.name as FsOp, path: t.value });
    }
  }
  if (queries.length === 0) throw new UsageError('check needs at least one query: --read, --write, --create, --delete or --exec PATH');
  const home = typeof values['home'] === 'string' ? resolve(io.cwd, values['home']) : homedir();

  const loaded = load(resolve(io.cwd, positionals[0]!), io);
  if (!loaded) return EXIT.policy;
  const answers = queries.map((q) => answer(q, loaded, home, io.cwd));
  for (const a of answers) {
    if (values['json']) io.out(`${JSON.stringify(toJson(a))}\n`);
    else io.out(toText(a));
  }
  return answers.every((a) => a.decision?.allow === true) ? EXIT.ok : EXIT.policy;
}

interface Loaded {
  fs: PolicyIR['filesystem'];
  origin: (pointer: string) => SourceRef | undefined;
}

function load(target: string, io: Io): Loaded | null {
  if (existsSync(target) && statSync(target).isDirectory()) {
    const v = verifyBundle(target);
    report(io, 'text', v.diagnostics, new Map(), true);
    if (!v.manifest) return null;
    const ir = JSON.parse(readFileSync(join(target, 'policy.json'), 'utf8')) as PolicyIR;
    const sm = JSON.parse(readFileSync(join(target, 'sourcemap.json'), 'utf8')) as { entries: Record<string, SourceRef> };
    return { fs: ir.filesystem, origin: (p) => sm.entries[`policy.json#${p}`] };
  }
  const r = resolvePolicy(target, fsHost(io.cwd));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  report(io, 'text', errors, r.texts, true);
  if (!r.resolved || hasErrors(r.diagnostics)) return null;
  const origins = r.resolved.merged.origins;
  return {
    fs: r.resolved.ir.filesystem,
    origin: (p) => {
      const s = origins.get(p);
      return s ? { file: s.file, line: s.line, col: s.col } : undefined;
    },
  };
}

/** The host path a query names: absolute, ~/ (the home given), or relative to the working directory. */
function absolute(p: string, home: string, cwd: string): string {
  if (p.startsWith('/')) return p;
  if (p === '~' || p.startsWith('~/')) return home + p.slice(1);
  return `${cwd}/${p}`;
}

/**
 * Resolve a query on the host as the kernel would. A path whose last components do not exist
 * yet (a file to create) is decided on its longest existing prefix, resolved, plus those
 * components, as long as they are plain names.
 */
function hostResolve(abs: string, op: FsOp): { resolved: string | null; missing: boolean; outcome: Outcome } {
  const root = { path: '/' };
  // unlink(2) and a create with O_EXCL act on a final symlink itself, not on its target.
  const follow = op !== 'delete' && op !== 'create';
  const full = resolveBelow(root, abs, 'in-root', { follow });
  if (full.outcome === 'ok') return { resolved: '/' + (full.resolved === '.' ? '' : full.resolved), missing: false, outcome: 'ok' };
  if (full.outcome !== 'missing') return { resolved: null, missing: false, outcome: full.outcome };
  const parts = abs.split('/');
  for (let n = parts.length - 1; n >= 1; n--) {
    const tail = parts.slice(n).filter((c) => c !== '');
    if (tail.some((c) => c === '.' || c === '..')) break;
    const head = resolveBelow(root, parts.slice(0, n).join('/') || '/', 'in-root');
    if (head.outcome === 'ok') {
      const base = head.resolved === '.' ? '' : '/' + head.resolved;
      return { resolved: `${base}/${tail.join('/')}`, missing: true, outcome: 'ok' };
    }
    if (head.outcome !== 'missing') return { resolved: null, missing: false, outcome: head.outcome };
  }
  return { resolved: null, missing: true, outcome: 'missing' };
}

function answer(query: Query, loaded: Loaded, home: string, cwd: string): Answer {
  let h;
  try {
    h = hostResolve(absolute(query.path, home, cwd), query.op);
  } catch (e) {
    if (!(e instanceof PathSystemError)) throw e;
    h = { resolved: null, missing: false, outcome: 'invalid' as Outcome };
  }
  if (h.resolved === null) return { query, resolved: null, missing: h.missing, decision: null, unresolved: h.outcome };
  return { query, resolved: h.resolved, missing: h.missing, decision: decide(loaded.fs, h.resolved, query.op, { home, origin: loaded.origin }), unresolved: null };
}

function where(d: Decision | null): string {
  const o = d?.rule?.origin;
  return o ? `${o.file}:${o.line}:${o.col}` : d?.rule ? 'the sandbox' : 'default';
}

function toText(a: Answer): string {
  const { op, path } = a.query;
  if (!a.decision) return `deny  ${op} ${path}\n      the path does not resolve on this host (${a.unresolved}); nothing is decided for it\n`;
  const d = a.decision;
  const shown = a.resolved === path ? path : `${path} → ${a.resolved}`;
  const note = a.missing ? ' (does not exist yet)' : '';
  return `${d.allow ? 'allow' : 'deny '} ${op} ${shown}${note}\n      ${d.reason} [${where(d)}]\n`;
}

function toJson(a: Answer): Record<string, unknown> {
  const d = a.decision;
  const r = d?.rule;
  return {
    op: a.query.op,
    path: a.query.path,
    resolved: a.resolved,
    decision: d?.allow ? 'allow' : 'deny',
    rule: r ? { list: r.list, pointer: r.pointer, entry: r.entry, file: r.origin?.file ?? null, line: r.origin?.line ?? null, col: r.origin?.col ?? null } : null,
    reason: d ? d.reason : `the path does not resolve on this host (${a.unresolved})`,
    ...(a.unresolved ? { outcome: a.unresolved } : {}),
  };
}
