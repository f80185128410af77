import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openInRoot, openRootFd, type RootFd } from '../../runtime/paths/open-in-root.js';
import { openRoot, resolveBelow } from '../../runtime/paths/resolve-path.js';
import { probeOpenat2 } from '../../runtime/paths/openat2.js';

/**
 * The time-of-check/time-of-use attack: another thread swaps root/d between a directory and a
 * symlink to a directory outside the root, as fast as it can, while this thread resolves and
 * opens root/d/secret. The protected opens (openat2, and the fallback walk) must never open
 * the file outside; the control (a plain open of the checked path) shows that the attack
 * does work without them. Bounded in time; everything is removed afterwards.
 */
const DURATION_MS = 1500;
let tmp = '';
let rootDir = '';
let root: RootFd;
const kernel = probeOpenat2();
if (!kernel.ok) console.warn(`paths-race: skipped: ${kernel.detail}`);

// Plain JavaScript for the worker: it only renames, with no import of the code under test.
const SWAPPER = `
const { renameSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const { dir, until } = workerData;
let swaps = 0;
while (Date.now() < until) {
  try {
    renameSync(dir + '/d', dir + '/d.dir');
    renameSync(dir + '/d.link', dir + '/d');
    renameSync(dir + '/d', dir + '/d.link');
    renameSync(dir + '/d.dir', dir + '/d');
    swaps++;
  } catch {}
}
require('node:worker_threads').parentPort.postMessage(swaps);
`;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sandforge-race-'));
  rootDir = join(tmp, 'root');
  mkdirSync(join(rootDir, 'd'), { recursive: true });
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(rootDir, 'd/secret'), 'inside');
  writeFileSync(join(tmp, 'outside/secret'), 'OUTSIDE');
  symlinkSync('../outside', join(rootDir, 'd.link'));
  root = openRootFd(rootDir);
});

afterAll(() => {
  root?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function content(fd: number): string {
  const buf = Buffer.alloc(16);
  const n = readSync(fd, buf, 0, 16, 0);
  return buf.subarray(0, n).toString();
}

describe('swapping a directory and a symlink while resolving and opening', () => {
  it.skipIf(!kernel.ok)('never opens the file outside the root; a plain open of the checked path does', async () => {
    const until = Date.now() + DURATION_MS;
    const worker = new Worker(SWAPPER, { eval: true, workerData: { dir: rootDir, until } });
    const swaps = new Promise<number>((res, rej) => {
      worker.once('message', res);
      worker.once('error', rej);
    });
    const checkRoot = openRoot(rootDir);
    const stats = { protectedOpens: 0, protectedOutside: 0, controlOpens: 0, controlOutside: 0, iterations: 0 };
    const seenOutside: string[] = [];
    try {
      while (Date.now() < until) {
        stats.iterations++;
        // Protected: one-step opens through both engines and modes, and check-then-use.
        const attempts: (() => ReturnType<typeof openInRoot>)[] = [
          () => openInRoot(root, 'd/secret', { mode: 'beneath', access: 'read' }),
          () => openInRoot(root, 'd/secret', { mode: 'in-root', access: 'read' }),
          () => openInRoot(root, 'd/secret', { mode: 'beneath', access: 'read', engine: 'walk' }),
          () => {
            const r = resolveBelow(checkRoot, 'd/secret', 'beneath');
            return r.outcome === 'ok' ? openInRoot(root, r.resolved!, { mode: 'beneath', access: 'read', engine: stats.iterations % 2 ? 'walk' : 'openat2' }) : { ok: false, refusal: r.outcome as 'escape', errno: null, engine: 'walk' };
          },
        ];
        for (const attempt of attempts) {
          const r = attempt();
          if (!r.ok) continue;
          stats.protectedOpens++;
          const where = readlinkSync(`/proc/self/fd/${r.fd}`);
          const text = content(r.fd);
          closeSync(r.fd);
          if (text !== 'inside' || !where.startsWith(rootDir + '/')) {
            stats.protectedOutside++;
            seenOutside.push(`${where}: ${text}`);
          }
        }
        // Control: the check said root/d/secret is fine; a plain open of that path follows
        // whatever root/d is at the moment of the open.
        const checked = resolveBelow(checkRoot, 'd/secret', 'beneath');
        if (checked.outcome === 'ok') {
          try {
            const fd = openSync(join(rootDir, checked.resolved!), 'r');
            stats.controlOpens++;
            if (content(fd) === 'OUTSIDE') stats.controlOutside++;
            closeSync(fd);
          } catch {
            // d was missing between two renames
          }
        }
      }
    } finally {
      const n = await swaps;
      await worker.terminate();
      expect(n, 'the swapper must have run').toBeGreaterThan(100);
    }
    expect(seenOutside).toEqual([]);
    expect(stats.protectedOutside).toBe(0);
    // Not hollow: the protected paths did open the inside file many times...
    expect(stats.protectedOpens).toBeGreaterThan(50);
    // ...and the race is real: without protection, the outside file was opened.
    expect(stats.controlOutside, JSON.stringify(stats)).toBeGreaterThan(0);
    // The tree is as it was, and nothing outside changed.
    expect(readFileSync(join(tmp, 'outside/secret'), 'utf8')).toBe('OUTSIDE');
  });
});
