#!/usr/bin/env node
// Compiles the TypeScript into dist/ (run by `npm ci` through the prepare script) and copies
// the generated ajv validator next to the compiled code.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.error('sandforge build: typescript is not installed; run `npm ci` (it installs the dev dependencies) first.');
  process.exit(1);
}
rmSync(root + 'dist', { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', root + 'tsconfig.json'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const gen = 'compiler/2-validate/generated/policy-validator.js';
mkdirSync(root + 'dist/compiler/2-validate/generated', { recursive: true });
copyFileSync(root + gen, root + 'dist/' + gen);
