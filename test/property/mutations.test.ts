import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { compilePolicy } from '../../compiler/compile.js';
import { catalog } from '../../compiler/diagnostics/catalog.js';
import type { Diagnostic, Span } from '../../compiler/diagnostics/types.js';
import { fcParams, memoryHost, policyTexts, timed } from './support.js';

// Whatever bytes a policy file holds, the compiler answers with diagnostics from the catalog
// whose positions lie inside the file: never an exception, never a hang.
const ENTRY = '/p/policy.yaml';
// A hang detector, not a speed test: a policy compiles in ~3 ms, but a 1 MiB stream of
// `...` documents legitimately takes ~3 s on a loaded 2-core machine (linear, ~3 ms/KiB).
const HANG_MS = 5000;
// Shrinking a 1 MiB counterexample can take minutes; stop and report what was found by then.
const BUDGET = { plugins: [fc.interruptAfterTimeLimit(25_000)] };
const enc = new TextEncoder();
const BASES = policyTexts().map((p) => ({ ...p, bytes: enc.encode(p.text) }));

// ---- text (byte) mutations ----------------------------------------------------------------
const FRAGMENTS: (string | number[])[] = [
  '\t', '\0', '[', ']', '{', '}', '&a ', '*a', '!!', '!!binary ', '!t ', '---\n', '...\n', '- ', ': ', '? ', ',', '\n', '  ', '"',
  "'", '#', '|', '>-', '%YAML 1.1\n', '\r', '\r\n', '\u2028', '\u0085', '\ufeff', 'ü', '😀', '\\', '<<: *a\n', '@default',
  [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf], [0xe2, 0x82], [0xc0, 0x80], [0x80],
];
const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS).map((f) => (typeof f === 'string' ? enc.encode(f) : Uint8Array.from(f))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((s) => enc.encode(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }) },
);
// Mostly single insertions; sometimes huge repeats (up to several MiB, past MAX_FILE_BYTES).
const repeat = fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 64 }) }, { weight: 1, arbitrary: fc.integer({ min: 1000, max: 400_000 }) });
const pos = fc.nat({ max: 1 << 20 });
const textOp = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: pos, bytes: fragment, times: repeat }),
  fc.record({ kind: fc.constant('dupRange' as const), at: pos, len: fc.integer({ min: 1, max: 80 }), to: pos }),
  fc.record({ kind: fc.constant('swapBytes' as const), at: pos, to: pos }),
  fc.record({ kind: fc.constant('setByte' as const), at: pos, byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('swapLines' as const), at: pos, to: pos }),
  fc.record({ kind: fc.constant('dupLine' as const), at: pos, to: pos, times: repeat }),
  fc.record({ kind: fc.constant('deleteLine' as const), at: pos }),
);
type TextOp = typeof textOp extends fc.Arbitrary<infer T> ? T : never;

function applyTextOp(b: Buffer, op: TextOp): Buffer {
  const at = op.at % (b.length + 1);
  switch (op.kind) {
    case 'delete': return Buffer.concat([b.subarray(0, at), b.subarray(at + op.len)]);
    case 'insert': {
      const ins = op.bytes.length === 0 ? Buffer.alloc(0) : Buffer.alloc(op.bytes.length * op.times, Buffer.from(op.bytes));
      return Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
    }
    case 'dupRange': {
      const to = op.to % (b.length + 1);
      return Buffer.concat([b.subarray(0, to), b.subarray(at, at + op.len), b.subarray(to)]);
    }
    case 'swapBytes':
    case 'setByte': {
      if (b.length === 0) return b;
      const c = Buffer.from(b);
      const i = at % b.length;
      if (op.kind === 'setByte') c[i] = op.byte;
      else [c[i], c[op.to % b.length]] = [c[op.to % b.length]!, c[i]!];
      return c;
    }
    default: {
      const lines = b.toString('latin1').split('\n');
      const i = op.at % lines.length;
      const j = op.kind === 'deleteLine' ? i : op.to % lines.length;
      if (op.kind === 'swapLines') [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      else if (op.kind === 'deleteLine') lines.splice(i, 1);
      else lines.splice(j, 0, ...new Array<string>(Math.min(op.times, 5000)).fill(lines[i]!));
      return Buffer.from(lines.join('\n'), 'latin1');
    }
  }
}

// ---- structural mutations -----------------------------------------------------------------
const KEYS = ['version', 'name', 'extends', 'backend', 'filesystem', 'workspace', 'read', 'write', 'tmpfs', 'deny', 'network', 'mode', 'allow',
  'host', 'cidr', 'ports', 'resources', 'memory', 'cpu', 'pids', 'timeout', 'disk', 'syscalls', 'default', 'import', 'rules', 'syscall', 'when',
  'action', 'compat', 'env', 'pass', 'set', 'process', 'user', 'capabilities', 'vm', 'vcpus', 'kernel', 'initrd', 'vsockPort', 'tests', 'run',
  'expect', '<<', '__proto__', 'constructor', 'toString', ''];
const VALUES: unknown[] = [null, 0, -1, 1, 1.5, 2 ** 53, -(2 ** 63), 1e308, '', 'x', 'agent', 'none', './other.yaml', '/etc/passwd', '../..', '.', '/',
  '~', '~/.ssh', '**', '512MiB', '1.5G', '10m', '1h30m', '0s', 'errno(EPERM)', 'errno(99999)', 'kill-process', '@default', 'ptrace', 'fetch',
  'open', 'offline', '10.0.0.0/8', '::/0', '8000-8100', '65536-1', true, false, [], {}, [1, 'a', null], { a: 1 }, { host: 'a.b', ports: [443] }];
const value = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALUES) }, fc.string({ maxLength: 12 }), fc.double(), fc.jsonValue({ maxDepth: 2 }));
const structOp = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'wrap', 'addKey', 'unwrap'), at: fc.nat(), key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), value,
});
type StructOp = typeof structOp extends fc.Arbitrary<infer T> ? T : never;
type Slot = { parent: Record<string, unknown> | unknown[] | null; key: string | number };

function slots(v: unknown, parent: Slot['parent'], key: string | number, out: Slot[]): Slot[] {
  out.push({ parent, key });
  if (Array.isArray(v)) v.forEach((x, i) => slots(x, v, i, out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) slots(x, v as Record<string, unknown>, k, out);
  return out;
}

function applyStructOp(doc: { root: unknown }, op: StructOp): void {
  const all = slots(doc.root, null, 'root', []);
  const s = all[op.at % all.length]!;
  const get = () => (s.parent === null ? doc.root : (s.parent as Record<string | number, unknown>)[s.key]);
  const set = (v: unknown) => (s.parent === null ? (doc.root = v) : ((s.parent as Record<string | number, unknown>)[s.key] = v));
  const fresh = structuredClone(op.value);
  const cur = get();
  if (op.kind === 'delete' && s.parent !== null) {
    if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
    else delete s.parent[s.key as string];
  } else if (op.kind === 'replace') set(fresh);
  else if (op.kind === 'wrap') set([cur]);
  else if (op.kind === 'unwrap' && Array.isArray(cur)) set(cur[0] ?? null);
  else if (op.kind === 'addKey' && cur !== null && typeof cur === 'object' && !Array.isArray(cur)) {
    Object.defineProperty(cur, op.key, { value: fresh, enumerable: true, writable: true, configurable: true });
  }
}

// ---- the checks (plain, not expect(): a case can carry 100k+ diagnostics) ------------------
function check(ok: boolean, why: () => string): void {
  if (!ok) throw new Error(why());
}

function checkSpan(s: Span, lines: string[], what: string): void {
  const where = () => `${what} at ${s.line}:${s.col}-${s.endLine}:${s.endCol} (file has ${lines.length} lines)`;
  check(Number.isInteger(s.line) && s.line >= 1 && s.line <= lines.length, where);
  check(Number.isInteger(s.col) && s.col >= 1 && s.col <= lines[s.line - 1]!.length + 1, () => `${where()}, line length ${lines[s.line - 1]!.length}`);
  if (s.endLine !== undefined) check(s.endLine > s.line || (s.endLine === s.line && s.endCol >= s.col), () => `${where()}: end before start`);
}

function checkDiagnostic(d: Diagnostic, lines: string[] | null): void {
  const entry = (catalog as Record<string, { severity: string }>)[d.code];
  check(entry !== undefined && d.severity === entry.severity, () => `${d.code} (${d.severity}) is not in the catalog with that severity`);
  check(!d.code.startsWith('SF9'), () => `internal error ${d.code}: ${d.message}`);
  if (lines === null) return;
  if (d.span?.file === ENTRY) checkSpan(d.span, lines, `${d.code} ${d.message}`);
  for (const r of d.related ?? []) if (r.span.file === ENTRY) checkSpan(r.span, lines, `${d.code} related ${r.message}`);
}

/** Compiles one mutated file; checks robustness always, and spans when `spans` is set. */
function compileChecked(bytes: Uint8Array, spans: boolean): void {
  const host = memoryHost(new Map([[ENTRY, bytes]]), ['/p']);
  const [r, ms] = timed(() => compilePolicy(ENTRY, host));
  expect(ms, `compile took ${ms.toFixed(0)} ms for ${bytes.length} bytes`).toBeLessThan(HANG_MS);
  // Undecodable files are reported in byte columns (prescan.ts: bytePosition).
  const lines = spans ? (r.texts.get(ENTRY) ?? Buffer.from(bytes).toString('latin1')).split('\n') : null;
  for (const d of r.diagnostics) checkDiagnostic(d, lines);
  const failed = r.diagnostics.some((d) => d.severity === 'error');
  expect(r.files === null, 'a bundle exists exactly when there are no errors').toBe(failed);
  for (const [name, b] of r.files ?? []) if (name.endsWith('.json')) expect(() => JSON.parse(Buffer.from(b).toString('utf8')), name).not.toThrow();
}

// Cases are the operations (short and readable when fast-check prints a counterexample);
// the bytes are built from them inside the property.
const textCase = fc.record({ base: fc.nat({ max: BASES.length - 1 }), ops: fc.array(textOp, { minLength: 1, maxLength: 6 }) });
const textBytes = ({ base, ops }: { base: number; ops: TextOp[] }) => ops.reduce(applyTextOp, Buffer.from(BASES[base]!.bytes));
const structCase = fc.record({ base: fc.nat({ max: BASES.length - 1 }), ops: fc.array(structOp, { minLength: 1, maxLength: 5 }), then: fc.option(textOp, { freq: 4 }) });
function structBytes({ base, ops, then }: { base: number; ops: StructOp[]; then: TextOp | null }): Buffer {
  const doc = { root: parseYaml(BASES[base]!.text) as unknown };
  for (const op of ops) applyStructOp(doc, op);
  const bytes = Buffer.from(stringifyYaml(doc.root));
  return then ? applyTextOp(bytes, then) : bytes;
}

describe('compiling mutated policies', () => {
  it('the unmutated policies compile without errors at the virtual path (control)', () => {
    for (const b of BASES.filter((x) => !x.text.includes('../..'))) {
      const r = compilePolicy(ENTRY, memoryHost(new Map([[ENTRY, b.bytes]]), ['/p']));
      expect(r.diagnostics.filter((d) => d.severity === 'error'), b.name).toEqual([]);
    }
  });

  // Counterexamples the properties below found (with the FC_SEED/FC_RUNS that found them), shrunk by hand.
  const rep = (n: number) => new Array<string>(n).fill('  pids: 1024');
  it.each([
    ['a line:col past the end of its line, after a multi-line token (default seed)', () => 'f\n#\n:{\ns:'],
    ['150k diagnostics overflowing ds.push(...diagnostics) (FC_SEED=5 FC_RUNS=3)', () => `version: 1\n${'&a '.repeat(150_000)}name: agent\n`],
    ['yaml error recovery nesting a level per line, recursing past the stack (FC_SEED=1 FC_RUNS=3)', () => ['# yaml-language-server: $schema=../../schemas/policy.schema.json',
      '# Installing dependencies: registries reachable over HTTPS, everything else offline.', 'version: 1', 'name: package-install', 'extends: build', 'filesystem:',
      ...rep(2174), '  pids', ' 1024', ...rep(1876), '  pids: 1024:  pids: 1024', ...rep(397), '  workspace: ../..', 'network:', '  allow:',
      '    - cidr: 127.0.0.0/8', '      ports: ["8000-8100"]', 'resources:', '  pids: 1024', ''].join('\n')],
  ] as [string, () => string][])('known counterexample: %s', (_name, text) => compileChecked(enc.encode(text()), true));

  it('text mutations: no throw, no hang, catalog codes, a bundle iff no errors', () => {
    fc.assert(fc.property(textCase, (c) => compileChecked(textBytes(c), false)), fcParams(500, BUDGET));
  });

  it('text mutations: every span into the file lies inside it', () => {
    fc.assert(fc.property(textCase, (c) => compileChecked(textBytes(c), true)), fcParams(500, BUDGET));
  });

  it('structural mutations: no throw, no hang, catalog codes, a bundle iff no errors', () => {
    fc.assert(fc.property(structCase, (c) => compileChecked(structBytes(c), false)), fcParams(500, BUDGET));
  });

  it('structural mutations: every span into the file lies inside it', () => {
    fc.assert(fc.property(structCase, (c) => compileChecked(structBytes(c), true)), fcParams(500, BUDGET));
  });
});
