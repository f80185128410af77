import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRoot, resolveBelow, type Resolution } from '../../runtime/paths/resolve-path.js';
import { kernelResolve, openKernelRoot } from '../../runtime/paths/kernel-resolve.js';
import { probeOpenat2 } from '../../runtime/paths/openat2.js';
import type { Mode } from '../../runtime/paths/outcome.js';
import { fcParams } from './support.js';

/**
 * The resolver against the kernel: random trees of directories, files and symlinks
 * (relative and absolute targets, `.`/`..`, trailing slashes, loops, dangling links) and
 * random paths; for both modes and with and without following a final symlink, our outcome
 * and resolved path must equal what openat2(2) answers (through the one errno table of
 * runtime/paths/outcome.ts). Seeded (test/property/support.ts): a failure prints the seed and
 * path to replay it with FC_SEED=... FC_PATH=...; FC_RUNS=10 soaks.
 */
const NAMES = ['a', 'b', 'c', 'd'] as const;
const RUNS = 2000;

type Node =
  | { kind: 'dir'; at: string[] }
  | { kind: 'file'; at: string[] }
  | { kind: 'link'; at: string[]; target: Target };

interface Target {
  /** rel: relative; abs: absolute as written (`/a/b`); host: the root's real host path + `/a/b`. */
  anchor: 'rel' | 'abs' | 'host';
  comps: string[];
  trailing: boolean;
}

const name = fc.constantFrom(...NAMES);
const at = fc.array(name, { minLength: 1, maxLength: 3 });
const comp = fc.oneof({ weight: 6, arbitrary: name }, { weight: 2, arbitrary: fc.constant('..') }, { weight: 1, arbitrary: fc.constant('.') }, { weight: 1, arbitrary: fc.constant('') });
const target: fc.Arbitrary<Target> = fc.record({
  anchor: fc.oneof({ weight: 6, arbitrary: fc.constant('rel' as const) }, { weight: 2, arbitrary: fc.constant('abs' as const) }, { weight: 1, arbitrary: fc.constant('host' as const) }),
  comps: fc.array(comp, { maxLength: 4 }),
  trailing: fc.boolean(),
});
const node: fc.Arbitrary<Node> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('dir' as const), at }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('file' as const), at }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('link' as const), at, target }) },
);
const tree = fc.array(node, { minLength: 1, maxLength: 24 });
const query = fc.record({
  abs: fc.boolean(),
  comps: fc.array(comp, { maxLength: 6 }),
  trailing: fc.boolean(),
});

function targetText(t: Target, rootPath: string): string {
  const body = t.comps.join('/') + (t.trailing ? '/' : '');
  if (t.anchor === 'abs') return '/' + body;
  if (t.anchor === 'host') return rootPath + '/' + body;
  return body === '' ? '.' : body; // a symlink target cannot be empty
}

/** Apply the nodes in order; a node whose parent is missing or not a directory is skipped. */
function build(dir: string, nodes: readonly Node[], rootPath: string): void {
  for (const n of nodes) {
    const p = join(dir, ...n.at);
    try {
      if (n.kind === 'dir') mkdirSync(p);
      else if (n.kind === 'file') writeFileSync(p, n.at.join('/'));
      else symlinkSync(targetText(n.target, rootPath), p);
    } catch {
      // EEXIST, ENOENT, ENOTDIR: that node is not part of this tree
    }
  }
}

const available = probeOpenat2();
// Skipped only where the kernel genuinely lacks openat2; say why (CI asserts nothing is skipped).
if (!available.ok) console.warn(`paths-kernel-oracle: skipped: ${available.detail}`);
let base = '';

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sandforge-paths-oracle-'));
});
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('path resolver vs openat2 (kernel oracle)', () => {
  it.skipIf(!available.ok)(`agrees with openat2 on ${RUNS} random trees, both modes, follow and nofollow`, () => {
    let run = 0;
    let compared = 0;
    const seen = new Set<string>();
    fc.assert(
      fc.property(tree, fc.array(query, { minLength: 1, maxLength: 8 }), (nodes, queries) => {
        const dir = join(base, `t${run++}`);
        mkdirSync(dir);
        try {
          const root = openRoot(dir);
          build(dir, nodes, root.path);
          const kroot = openKernelRoot(dir);
          try {
            for (const q of queries) {
              const path = (q.abs ? '/' : '') + q.comps.join('/') + (q.trailing ? '/' : '');
              for (const mode of ['beneath', 'in-root'] as Mode[]) {
                for (const follow of [true, false]) {
                  const ours: Resolution = resolveBelow(root, path, mode, { follow });
                  const kernel = kernelResolve(kroot, path, mode, follow);
                  expect({ path, mode, follow, ...ours }).toEqual({ path, mode, follow, ...kernel });
                  seen.add(kernel.outcome);
                  compared++;
                }
              }
            }
          } finally {
            kroot.close();
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      fcParams(RUNS),
    );
    // The generator must reach every outcome a tree can produce, or the agreement is hollow.
    expect([...seen].sort()).toEqual(['escape', 'loop', 'missing', 'notdir', 'ok']);
    expect(compared).toBeGreaterThanOrEqual(RUNS * 4);
  });
});
