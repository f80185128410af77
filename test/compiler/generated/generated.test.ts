import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COMPILER_VERSION } from '../../../compiler/version.js';

const root = resolve(__dirname, '../../..');
const run = (script: string) => spawnSync(process.execPath, [resolve(root, script), '--check'], { encoding: 'utf8' });

describe('generated files are up to date', () => {
  it('the standalone policy validator matches schemas/policy.schema.json', () => {
    const r = run('scripts/gen-validator.mjs');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the errno table matches the kernel headers', () => {
    const r = run('scripts/gen-errno.mjs');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const table = readFileSync(resolve(root, 'compiler/syscalls/errno.ts'), 'utf8');
    expect(table).toContain('  EPERM: 1,\n');
    expect(table).toContain('  ENOSYS: 38,\n');
  });

  it('the compiler version is the package version', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(COMPILER_VERSION).toBe(pkg.version);
  });
});
