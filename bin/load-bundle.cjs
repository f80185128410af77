'use strict';
// Loads dist/sandforge.cjs (the bundled CLI) with its V8 code cache, if one is given and
// matches this Node binary; otherwise V8 compiles it as usual (only slower). CommonJS, so
// that starting the CLI does not pay for the ESM loader.
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

function loadBundle(file, cachePath) {
  const src = readFileSync(file, 'utf8');
  let cachedData;
  if (cachePath) {
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      cachedData = undefined;
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname, __sandforge_url) {${src}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file), pathToFileURL(file).href);
  return { main: mod.exports.main, script };
}

module.exports = { loadBundle };
