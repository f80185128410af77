import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, lstatSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { diag } from '../../compiler/diagnostics/catalog.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { BUNDLE_FORMAT } from '../../compiler/version.js';

function isBundle(dir: string): boolean {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { format?: unknown };
    return typeof m.format === 'string' && m.format.startsWith('sandforge-bundle/');
  } catch {
    return false;
  }
}

/**
 * Write bundle files to `out`, all or nothing: into a sibling temporary directory first,
 * then renamed into place. An existing bundle at `out` is replaced; an existing directory
 * holding anything else is refused; nothing is left behind on failure.
 */
export function writeBundle(out: string, files: Map<string, Uint8Array>): Diagnostic[] {
  if (existsSync(out)) {
    const st = lstatSync(out);
    if (!st.isDirectory() || (readdirSync(out).length > 0 && !isBundle(out))) return [diag('SF7007', { path: out })];
  }
  const tmp = join(dirname(out), `.${basename(out)}.sandforge-${process.pid}`);
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o755 });
    for (const name of [...files.keys()].sort()) {
      const p = join(tmp, name);
      mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
      writeFileSync(p, files.get(name)!, { mode: 0o644 });
    }
    if (existsSync(out)) {
      const old = `${tmp}.old`;
      renameSync(out, old);
      renameSync(tmp, out);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, out);
    }
    return [];
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const err = e as NodeJS.ErrnoException;
    return [diag('SF7006', { path: err.path ?? out, reason: err.code ?? err.message })];
  }
}
