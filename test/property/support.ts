import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Parameters } from 'fast-check';
import type { SourceHost } from '../../compiler/3-resolve/source-host.js';

/** The repository's real built-in profiles: extends chains resolve as for users. */
export const POLICIES_DIR = fileURLToPath(new URL('../../policies', import.meta.url));

/**
 * fast-check parameters. The seed is fixed so that every run checks the same cases and a
 * failure reproduces; FC_SEED=<n> explores other cases, and fast-check prints the seed and
 * path of any counterexample: FC_SEED=<seed> FC_PATH=<path> replays exactly that case.
 * FC_RUNS=<factor> scales every numRuns (e.g. 10 for a long soak).
 */
export function fcParams<T>(numRuns: number, extra: Parameters<T> = {}): Parameters<T> {
  const seed = process.env['FC_SEED'] ? Number(process.env['FC_SEED']) : 0x5a4df0;
  const factor = process.env['FC_RUNS'] ? Number(process.env['FC_RUNS']) : 1;
  const replay = process.env['FC_PATH'] ? { path: process.env['FC_PATH'] } : {};
  return { seed, numRuns: Math.max(1, Math.round(numRuns * factor)), ...replay, ...extra };
}

/** Name (relative to policies/) and text of every built-in profile and example. */
export function policyTexts(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const n of ['agent', 'strict', 'build', 'none']) out.push({ name: `${n}.yaml`, text: readFileSync(`${POLICIES_DIR}/${n}.yaml`, 'utf8') });
  for (const f of readdirSync(`${POLICIES_DIR}/examples`).filter((x) => x.endsWith('.yaml')).sort()) {
    out.push({ name: `examples/${f}`, text: readFileSync(`${POLICIES_DIR}/examples/${f}`, 'utf8') });
  }
  return out;
}

const builtinCache = new Map<string, Uint8Array | Error>();

/**
 * A SourceHost backed by a map of absolute virtual paths to bytes. Built-in profiles are read
 * from the real policies/ directory (cached). `existing` lists the paths exists() affirms.
 */
export function memoryHost(files: Map<string, Uint8Array>, existing: readonly string[], display: (abs: string) => string = (abs) => abs): SourceHost {
  return {
    readFile(abs) {
      const f = files.get(abs);
      if (f) return f;
      if (abs.startsWith(POLICIES_DIR + '/')) {
        let b = builtinCache.get(abs);
        if (!b) {
          try {
            b = readFileSync(abs);
          } catch {
            b = new Error('no such file');
          }
          builtinCache.set(abs, b);
        }
        return b;
      }
      return new Error('no such file');
    },
    exists: (abs) => existing.includes(abs),
    builtinDir: POLICIES_DIR,
    display,
  };
}

/** Wall time of fn in ms, for hang detection (not a performance assertion). */
export function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}
