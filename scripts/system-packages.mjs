#!/usr/bin/env node
// Checks the system packages the tests need (scripts/system-packages.json, tests=true).
//   --install     when root and apt-get exists, install the missing ones (apt-get update once,
//                 quietly; nothing is done when all are present); otherwise print the command.
//   --list        print the names of the packages the tests need, one line (for .ci/run).
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { packages } = JSON.parse(readFileSync(root + 'scripts/system-packages.json', 'utf8'));
const needed = packages.filter((p) => p.tests);

if (process.argv.includes('--list')) {
  console.log(needed.map((p) => p.name).join(' '));
  process.exit(0);
}

function installed(p) {
  const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', p.name], { encoding: 'utf8' });
  if (q.error) return p.file ? existsSync(p.file) : false; // not a Debian system: trust the file
  return q.status === 0 && q.stdout.includes('install ok installed') && (!p.file || existsSync(p.file));
}

const missing = needed.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);
const names = missing.map((p) => p.name);
const cmd = `apt-get update && apt-get install -y --no-install-recommends ${names.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
if (!process.argv.includes('--install') || !isRoot || !hasApt) {
  console.error(`sandforge: the tests need these system packages: ${names.join(', ')}`);
  for (const p of missing) console.error(`  ${p.name}: ${p.why}`);
  console.error(hasApt ? `install them with:\n  sudo sh -c '${cmd}'` : 'install them with your system package manager');
  process.exit(1);
}
console.error(`sandforge: installing system packages for the tests: ${names.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const up = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
if (up.status !== 0) { console.error('sandforge: apt-get update failed'); process.exit(1); }
const inst = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: ['ignore', 'ignore', 'inherit'], env });
if (inst.status !== 0) { console.error(`sandforge: apt-get install failed; run: ${cmd}`); process.exit(1); }
const still = missing.filter((p) => !installed(p));
if (still.length) { console.error(`sandforge: still missing after install: ${still.map((p) => p.name).join(', ')}`); process.exit(1); }
