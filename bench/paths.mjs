#!/usr/bin/env node
// Path resolution benchmark (`npm run bench:paths`). Measures, in one run on this machine,
// resolutions per second of typical workspace paths (this repository's own files, below its
// root) by:
//   - fs.realpathSync.native (glibc realpath(3): the baseline, not exact below a root);
//   - the Sandforge resolver, runtime/paths/resolve-path.ts, both modes (exact; the target is
//     >= 0.5x the baseline);
//   - openat2(2) through koffi: the open alone (resolve + open + close), and as the property
//     tests' oracle (plus readlink of /proc/self/fd/N);
//   - the JS fs.realpathSync, for reference.
// Variants run interleaved in rounds (rotating which goes first) so that drift in machine load
// hits all of them; the table shows the median rate of the rounds. Nothing is asserted
// (STYLE.md habit 9). Imports the built dist/ (SANDFORGE_DIST=DIR to use another build).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './machine.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.env.SANDFORGE_DIST ?? join(root, 'dist');
const need = ['runtime/paths/resolve-path.js', 'runtime/paths/kernel-resolve.js', 'runtime/paths/openat2.js'];
if (!need.every((f) => existsSync(join(dist, f)))) {
  console.error(`bench: ${dist} lacks the paths modules; run \`npm run build\` first (or set SANDFORGE_DIST).`);
  process.exit(1);
}
const imp = (f) => import(pathToFileURL(join(dist, f)).href);
const { openRoot, resolveBelow } = await imp('runtime/paths/resolve-path.js');
const { openKernelRoot, kernelResolve, RESOLVE_FLAGS } = await imp('runtime/paths/kernel-resolve.js');
const { openat2, closeFd, probeOpenat2, O_PATH } = await imp('runtime/paths/openat2.js');

const ROUNDS = 15;
const PER_ROUND = 4000;
const WARMUP = 3000;
const TARGET = 0.5;

// Typical paths of a TypeScript workspace, relative to its root: sources at a few depths, a
// config file, a dependency file, and a symlink (node_modules/.bin/*).
const PATHS = [
  'package.json',
  'tsconfig.json',
  'compiler/compile.ts',
  'compiler/3-resolve/build-ir.ts',
  'runtime/cli/main.ts',
  'runtime/paths/resolve-path.ts',
  'test/fixtures/valid/env-set/policy.yaml',
  'docs/policy.md',
  'node_modules/yaml/package.json',
  'node_modules/.bin/vitest',
].filter((p) => existsSync(join(root, p)));

const r = openRoot(root);
const realRoot = realpathSync.native(root);
for (const p of PATHS) {
  const ours = resolveBelow(r, p, 'beneath');
  const native = realpathSync.native(join(realRoot, p));
  if (ours.outcome !== 'ok' || join(realRoot, ours.resolved) !== native) {
    console.error(`bench: resolver and realpath disagree on ${p}: ${JSON.stringify(ours)} vs ${native}`);
    process.exit(1);
  }
}

const kernel = probeOpenat2();
const kroot = kernel.ok ? openKernelRoot(root) : null;
const how = { flags: O_PATH, mode: 0, resolve: RESOLVE_FLAGS.beneath };

const variants = [
  { what: 'baseline: fs.realpathSync.native(root/p)', fn: (p) => realpathSync.native(`${realRoot}/${p}`), base: true },
  { what: 'sandforge resolveBelow, beneath', fn: (p) => resolveBelow(r, p, 'beneath'), target: true },
  { what: 'sandforge resolveBelow, in-root', fn: (p) => resolveBelow(r, p, 'in-root'), target: true },
  ...(kroot
    ? [
        { what: 'openat2 via koffi: open + close', fn: (p) => closeFd(openat2(kroot.fd, p, how).fd) },
        { what: 'openat2 via koffi + /proc readlink (oracle)', fn: (p) => kernelResolve(kroot, p, 'beneath') },
      ]
    : []),
  { what: 'reference: JS fs.realpathSync(root/p)', fn: (p) => realpathSync(`${realRoot}/${p}`) },
];

function runBatch(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(PATHS[i % PATHS.length]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

for (const v of variants) runBatch(v.fn, WARMUP);
for (const v of variants) v.rates = [];
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(round + k) % variants.length];
    v.rates.push(PER_ROUND / runBatch(v.fn, PER_ROUND));
  }
}
kroot?.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const baseRate = median(variants.find((v) => v.base).rates);


const head = ['what', 'resolutions/s', 'µs each', 'ratio vs realpathSync.native', 'target'];
const cells = variants.map((v) => {
  const rate = median(v.rates);
  const ratio = rate / baseRate;
  return [v.what, Math.round(rate).toLocaleString('en-US'), (1e6 / rate).toFixed(2), `${ratio.toFixed(2)}×`, v.target ? `≥ ${TARGET}× ${ratio >= TARGET ? 'met' : 'MISSED'}` : ''];
});
const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (c) => c.map((x, i) => (i === 0 || i === 4 ? x.padEnd(width[i]) : x.padStart(width[i]))).join('  ').trimEnd();
console.log(`sandforge path resolution benchmark — ${PATHS.length} workspace paths, ${ROUNDS} interleaved rounds of ${PER_ROUND} resolutions after ${WARMUP} warm-ups; median round`);
console.log(line(head));
console.log(width.map((w) => '-'.repeat(w)).join('  '));
for (const c of cells) console.log(line(c));
if (!kernel.ok) console.log(`openat2 rows omitted: ${kernel.detail}`);
console.log('exact: the resolver and openat2 give the kernel\'s answer below the root (`..` and symlinks clamped or refused); realpath resolves on the whole host');
console.log(`machine: ${machine()}`);
