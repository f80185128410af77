import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { diag } from '../../compiler/diagnostics/catalog.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { BUNDLE_FORMAT } from '../../compiler/version.js';
import type { Manifest } from '../../compiler/5-emit/emit-bundle.js';

/** Every regular file below dir, as bundle-relative paths; symlinks and others are reported. */
function listFiles(dir: string, prefix = ''): { files: string[]; odd: string[] } {
  const files: string[] = [];
  const odd: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = prefix + name;
    const st = lstatSync(join(dir, name));
    if (st.isDirectory()) {
      const sub = listFiles(join(dir, name), rel + '/');
      files.push(...sub.files);
      odd.push(...sub.odd);
    } else if (st.isFile()) files.push(rel);
    else odd.push(rel);
  }
  return { files, odd };
}

export interface VerifyResult {
  manifest: Manifest | null;
  diagnostics: Diagnostic[];
}

/**
 * Check a bundle directory: manifest format, the sha256 of every listed artifact, no file
 * missing, no file (or symlink) that the manifest does not list.
 */
export function verifyBundle(dir: string): VerifyResult {
  const ds: Diagnostic[] = [];
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { manifest: null, diagnostics: [diag('SF7005', { detail: code === 'ENOENT' ? `is missing in ${dir}` : code ? `cannot be read (${code})` : 'is not valid JSON' })] };
  }
  if (typeof manifest !== 'object' || manifest === null || typeof manifest.artifacts !== 'object' || manifest.artifacts === null) {
    return { manifest: null, diagnostics: [diag('SF7005', { detail: 'has no artifacts table' })] };
  }
  if (manifest.format !== BUNDLE_FORMAT) {
    return { manifest: null, diagnostics: [diag('SF7002', { found: JSON.stringify(manifest.format ?? null), expected: BUNDLE_FORMAT })] };
  }
  const listed = Object.keys(manifest.artifacts);
  let present: { files: string[]; odd: string[] };
  try {
    present = listFiles(dir);
  } catch (e) {
    return { manifest: null, diagnostics: [diag('SF7005', { detail: `cannot list ${dir}: ${(e as Error).message}` })] };
  }
  for (const name of listed) {
    if (name.includes('..') || name.startsWith('/')) {
      ds.push(diag('SF7005', { detail: `lists an artifact outside the bundle: ${name}` }));
      continue;
    }
    if (!present.files.includes(name)) {
      ds.push(diag('SF7003', { artifact: name }));
      continue;
    }
    const actual = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
    if (actual !== manifest.artifacts[name]) ds.push(diag('SF7001', { artifact: name, actual, expected: String(manifest.artifacts[name]) }));
  }
  for (const f of [...present.files, ...present.odd]) {
    if (f !== 'manifest.json' && !listed.includes(f)) ds.push(diag('SF7004', { artifact: f }));
  }
  if (manifest.policy?.sha256 !== manifest.artifacts['policy.json']) {
    ds.push(diag('SF7005', { detail: 'policy.sha256 does not match the hash of policy.json' }));
  }
  return { manifest: ds.length ? null : manifest, diagnostics: ds };
}
