#!/usr/bin/env node
import { existsSync } from 'node:fs';

const main = new URL('../dist/runtime/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sandforge: not built yet; run `npm ci` (or `npm run build`) in the sandforge directory\n');
  process.exit(70);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
