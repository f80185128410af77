#!/usr/bin/env node
// Builds Sandforge (run by `npm ci` through the prepare script, and by pretest):
// 1. tsc: TypeScript → dist/ (ESM modules, imported by tests and the programmatic API);
// 2. esbuild: the CLI and everything it loads → one file, dist/sandforge.cjs;
// 3. a V8 code cache for that file, produced after warming it up on the shipped policies,
//    so that a CLI run neither parses nor compiles JavaScript (docs/decisions.md: start-up).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const step = (s) => process.stderr.write(`sandforge build: ${s}\n`);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.error('sandforge build: typescript is not installed; run `npm ci` (it installs the dev dependencies) first.');
  process.exit(1);
}
rmSync(root + 'dist', { recursive: true, force: true });
step('compiling TypeScript');
const r = spawnSync(process.execPath, [tsc, '-p', root + 'tsconfig.json'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const gen = 'compiler/2-validate/generated/policy-validator.js';
mkdirSync(root + 'dist/compiler/2-validate/generated', { recursive: true });
copyFileSync(root + gen, root + 'dist/' + gen);

step('bundling the CLI');
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [root + 'dist/runtime/cli/main.js'],
  outfile: root + 'dist/sandforge.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'inline',
  // package-root.ts finds policies/ from its own URL; in the bundle the loader passes it.
  define: { 'import.meta.url': '__sandforge_url' },
  logLevel: 'error',
});

step('warming up and writing the code cache');
const { loadBundle } = require(root + 'bin/load-bundle.cjs');
const bundle = loadBundle(root + 'dist/sandforge.cjs', null);
const scratch = mkdtempSync(join(tmpdir(), 'sandforge-build-'));
const quiet = { out() {}, err() {}, cwd: root };
try {
  for (let i = 0; i < 3; i++) {
    await bundle.main(['compile', 'policies/examples/agent.yaml', '-o', join(scratch, 'out')], quiet);
    await bundle.main(['lint', 'policies/*.yaml', 'policies/examples/*.yaml'], quiet);
    await bundle.main(['verify', join(scratch, 'out')], quiet);
    await bundle.main(['explain', 'policies/examples/agent.yaml'], quiet);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync(root + 'dist/sandforge.cache', bundle.script.createCachedData());
