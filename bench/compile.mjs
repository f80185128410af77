#!/usr/bin/env node
// Compile benchmark (`npm run bench`). Measures, in one run on this machine:
//   (a) in-process compile time of every built-in profile and example, through the dist
//       build's compilePolicy + fsHost, against a bare `yaml` parse of the same chain files;
//   (b) CLI wall time of `sandforge compile` against `node -e 0`, spawned interleaved.
// Prints one table of medians, p95s and ratios against the same-run baseline, plus the
// machine. Nothing is asserted (STYLE.md habit 9): targets are printed next to the numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './machine.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const distCompile = join(root, 'dist/compiler/compile.js');
const distHost = join(root, 'dist/runtime/fs-host.js');
if (!existsSync(distCompile) || !existsSync(distHost)) {
  console.error('bench: dist/ is missing or incomplete; run `npm run build` first.');
  process.exit(1);
}

const WARMUP = 50;
const RUNS = 300;
const CLI_WARMUP = 3;
const CLI_RUNS = 30;
const TARGET_COMPILE_MS = 20;
const TARGET_CLI_RATIO = 1.3;

const { compilePolicy } = await import(pathToFileURL(distCompile).href);
const { fsHost } = await import(pathToFileURL(distHost).href);
const { parseDocument } = await import('yaml');

/** Median and p95 (nearest rank) of durations in ms. */
function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const p95 = s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
  return { median, p95 };
}

function time(fn, warmup, runs) {
  for (let i = 0; i < warmup; i++) fn(i);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return stats(ms);
}


const rows = [];
const host = fsHost(root);

// (a) in-process compile. The baseline of each row is yaml.parseDocument of the same chain
// texts (the extends chain, as the compiler reads them), timed the same way in this run.
const policies = [
  ...['agent', 'strict', 'build', 'none'].map((n) => `policies/${n}.yaml`),
  ...readdirSync(join(root, 'policies/examples')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `policies/examples/${f}`),
];
for (const rel of policies) {
  const abs = join(root, rel);
  const first = compilePolicy(abs, host);
  if (!first.files) {
    const errs = first.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
    console.error(`bench: ${rel} does not compile: ${errs.join('; ')}`);
    process.exit(1);
  }
  const texts = first.resolved.chain.map((l) => l.parsed.text);
  const compile = time(() => compilePolicy(abs, host), WARMUP, RUNS);
  const base = time(() => texts.forEach((t) => parseDocument(t)), WARMUP, RUNS);
  const isAgent = rel.endsWith('/agent.yaml');
  rows.push({
    what: `compile ${rel} (${texts.length}-file chain)`,
    ...compile,
    ratio: compile.median / base.median,
    target: isAgent ? `< ${TARGET_COMPILE_MS} ms ${compile.median < TARGET_COMPILE_MS ? 'met' : 'MISSED'}` : '',
  });
}

// (b) CLI wall time against `node -e 0`, spawned interleaved (rotating which goes first) so
// that drift in machine load hits every variant equally. `sandforge --version` loads only the
// bin and the CLI entry (no compiler), which splits start-up cost from compile cost.
const tmp = mkdtempSync(join(tmpdir(), 'sandforge-bench-'));
try {
  const bin = join(root, 'bin/sandforge.cjs');
  const variants = [
    { what: 'baseline: node -e 0 (spawned)', args: () => ['-e', '0'], ms: [] },
    { what: 'CLI: sandforge --version', args: () => [bin, '--version'], ms: [] },
    { what: 'CLI: sandforge compile policies/examples/agent.yaml -o DIR', args: (i) => [bin, 'compile', 'policies/examples/agent.yaml', '-o', join(tmp, `out-${i}`)], ms: [], target: true },
  ];
  const spawnMs = (args) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    // Thrown, not process.exit(): the finally below must remove the temporary directory.
    if (r.status !== 0) throw new Error(`\`node ${args.join(' ')}\` exited ${r.status}: ${r.stderr}`);
    return ms;
  };
  for (let i = 0; i < CLI_WARMUP + CLI_RUNS; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length];
      const ms = spawnMs(v.args(i));
      if (i >= CLI_WARMUP) v.ms.push(ms);
    }
  }
  const base = stats(variants[0].ms).median;
  for (const v of variants) {
    const s = stats(v.ms);
    const ratio = s.median / base;
    rows.push({ what: v.what, ...s, ratio, target: v.target ? `≤ ${TARGET_CLI_RATIO}× ${ratio <= TARGET_CLI_RATIO ? 'met' : 'MISSED'}` : '' });
  }
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (process.exitCode) process.exit();

const head = ['what', 'median ms', 'p95 ms', 'ratio vs baseline', 'target'];
const cells = rows.map((r) => [r.what, r.median.toFixed(2), r.p95.toFixed(2), `${r.ratio.toFixed(2)}×`, r.target]);
const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (c) => c.map((x, i) => (i === 0 || i === 4 ? x.padEnd(width[i]) : x.padStart(width[i]))).join('  ').trimEnd();
console.log(`sandforge compile benchmark — ${RUNS} in-process runs after ${WARMUP} warm-ups; ${CLI_RUNS} spawns each after ${CLI_WARMUP} warm-ups`);
console.log(line(head));
console.log(width.map((w) => '-'.repeat(w)).join('  '));
for (const c of cells) console.log(line(c));
console.log('ratio: in-process rows, compile / yaml.parseDocument of the same chain files; CLI rows, median / median of node -e 0');
console.log(`machine: ${machine()}`);
