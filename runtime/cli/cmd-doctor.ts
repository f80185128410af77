import { diag } from '../../compiler/diagnostics/catalog.js';
import { probeHost } from '../host/probe-host.js';
import { EXIT, parse, type Io } from './main.js';
import { report } from './report.js';

export function doctorCommand(args: string[], io: Io): number {
  const { values } = parse(args, { json: { type: 'boolean' } }, false);
  const h = probeHost();
  if (values.json) {
    io.out(JSON.stringify(h, null, 2) + '\n');
    return EXIT.ok;
  }
  io.out(`kernel ${h.kernel}\n\nsystem packages:\n`);
  for (const p of h.packages) io.out(`  ${p.installed ? 'ok     ' : 'MISSING'} ${p.name.padEnd(16)} ${p.why}\n`);
  io.out('\nkernel features:\n');
  for (const f of h.features) io.out(`  ${f.ok ? 'ok     ' : 'MISSING'} ${f.name.padEnd(16)} ${f.detail}\n`);
  const missing = h.packages.filter((p) => !p.installed);
  if (missing.length) {
    const cmd = `apt-get install -y --no-install-recommends ${missing.map((p) => p.name).join(' ')}`;
    io.out('\n');
    report(io, 'text', missing.map((p) => diag('SF7008', { pkg: p.name, why: p.why, command: cmd })), new Map(), false);
  }
  return EXIT.ok;
}
