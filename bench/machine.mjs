// The machine line every benchmark prints under its table.
import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';

/** "AMD EPYC, 2 cores, Node v20.20.2, kernel 6.18.44" */
export function machine() {
  let cpu = 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    /* not Linux: keep "unknown" */
  }
  return `${cpu}, ${availableParallelism()} cores, Node ${process.version}, kernel ${release()}`;
}
