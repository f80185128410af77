#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { loadBundle } = require('./load-bundle.cjs');

const bundle = join(__dirname, '..', 'dist', 'sandforge.cjs');
if (!existsSync(bundle)) {
  process.stderr.write('sandforge: not built yet; run `npm ci` (or `npm run build`) in the sandforge directory\n');
  process.exit(70);
}
const { main } = loadBundle(bundle, join(__dirname, '..', 'dist', 'sandforge.cache'));
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
