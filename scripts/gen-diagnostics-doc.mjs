#!/usr/bin/env node
// Writes docs/diagnostics.md from the message catalog (compiler/diagnostics/catalog.ts).
// The catalog is TypeScript, so this reads the compiled module from dist/: run
// `npm run build` first. With --check, writes nothing and exits 1 if the file is stale.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const moduleFile = root + 'dist/compiler/diagnostics/render-diagnostics-doc.js';
const target = root + 'docs/diagnostics.md';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`gen-diagnostics-doc: unknown argument ${unknown[0]}; usage: node scripts/gen-diagnostics-doc.mjs [--check]`);
  process.exit(2);
}
const check = args.includes('--check');

if (!existsSync(moduleFile)) {
  console.error(`gen-diagnostics-doc: ${moduleFile} is missing; run \`npm run build\` first.`);
  process.exit(1);
}
const { renderDiagnosticsDoc } = await import(pathToFileURL(moduleFile).href);
const text = renderDiagnosticsDoc();
const current = existsSync(target) ? readFileSync(target, 'utf8') : null;

if (check) {
  if (current === text) process.exit(0);
  console.error('docs/diagnostics.md is out of date; run `npm run build && npm run gen:docs`.');
  process.exit(1);
}
if (current !== text) {
  mkdirSync(root + 'docs', { recursive: true });
  writeFileSync(target, text);
  console.error('gen-diagnostics-doc: wrote docs/diagnostics.md');
} else {
  console.error('gen-diagnostics-doc: docs/diagnostics.md is up to date');
}
