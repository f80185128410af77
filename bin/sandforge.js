#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './load-bundle.js';

const bundle = fileURLToPath(new URL('../dist/sandforge.cjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('sandforge: not built yet; run `npm ci` (or `npm run build`) in the sandforge directory\n');
  process.exit(70);
}
const { main } = loadBundle(bundle, fileURLToPath(new URL('../dist/sandforge.cache', import.meta.url)));
process.exitCode = await main(process.argv.slice(2));
