// Loads dist/sandforge.cjs (the bundled CLI) with its V8 code cache, if one is given and
// matches this Node binary; otherwise V8 compiles it as usual (only slower).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

export function loadBundle(file, cachePath) {
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
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href);
  return { main: module.exports.main, script };
}
