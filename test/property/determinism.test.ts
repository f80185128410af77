import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { relative } from 'node:path';
import { compilePolicy } from '../../compiler/compile.js';
import { fsHost } from '../../runtime/fs-host.js';
import { fcParams, memoryHost, POLICIES_DIR, policyTexts } from './support.js';

// Same input, same bytes (DESIGN.md "Bundle"): across runs, across the key order of mappings
// (which YAML says carries no meaning), and across how paths are shown to the user.

const enc = new TextEncoder();
const dec = new TextDecoder();
const VROOT = '/v/repo';

/** A valid policy touching every section, with multi-key mappings for shuffling to matter. */
const RICH = `version: 1
name: rich-policy
extends: build
backend: process
filesystem:
  workspace: .
  read: [/usr, /etc/ssl, ~/.gitconfig]
  write: [~/.cache/pip]
  tmpfs: [/tmp, /var/tmp]
  deny: ["~/.ssh", "**/.env"]
network:
  mode: fetch
  allow:
    - { host: api.example.com, ports: [443] }
    - { cidr: 10.1.0.0/16, ports: [5432, "8000-8100"] }
  deny: [169.254.169.254/32, "fd00::/8"]
resources: { memory: 512MiB, cpu: 1.5, pids: 256, timeout: 1h30m, disk: 1GiB }
syscalls:
  default: errno(EPERM)
  allow: ["@default"]
  deny: [ptrace]
  rules:
    - { syscall: socket, when: "args[0] == AF_UNIX", action: allow }
  compat: deny
env:
  pass: [PATH, HOME, LANG, TERM]
  set: { ZED: z, CI: "1", ALPHA: a, MIDDLE: m }
process: { user: 1000, capabilities: [] }
tests:
  - { run: [cat, ~/.ssh/id_rsa], expect: denied }
  - { expect: allowed, run: [git, status] }
`;

/** Every base policy at a virtual path that mirrors the repository layout. */
const BASES = [...policyTexts(), { name: 'rich.yaml', text: RICH }].map((p) => ({ ...p, abs: `${VROOT}/policies/${p.name}` }));

function compileText(abs: string, text: string, display?: (abs: string) => string): Map<string, Uint8Array> {
  const r = compilePolicy(abs, memoryHost(new Map([[abs, enc.encode(text)]]), [VROOT], display));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors, abs).toEqual([]);
  return r.files!;
}

const asText = (files: Map<string, Uint8Array>) => Object.fromEntries([...files].map(([k, v]) => [k, dec.decode(v)]));

/** mulberry32: a tiny seeded PRNG, so that a shuffle is reproduced from the seed fast-check prints. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffle the keys of every mapping, recursively; list order is meaning and is kept. */
function shuffleKeys(v: unknown, rand: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, rand));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = shuffleKeys((v as Record<string, unknown>)[k], rand);
  return out;
}

const keyOrder = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.entries(x) : x));

describe('deterministic bundles', () => {
  it('compiling twice gives byte-identical bundles (memory host)', () => {
    for (const b of BASES) expect(asText(compileText(b.abs, b.text)), b.name).toEqual(asText(compileText(b.abs, b.text)));
  });

  it('compiling twice gives byte-identical bundles (file system host, real files)', () => {
    for (const b of BASES.filter((x) => x.name !== 'rich.yaml')) {
      const abs = `${POLICIES_DIR}/${b.name}`;
      const once = compilePolicy(abs, fsHost());
      expect(once.files, b.name).not.toBeNull();
      expect(asText(compilePolicy(abs, fsHost()).files!), b.name).toEqual(asText(once.files!));
    }
  });

  it('the bundle does not depend on the working directory or on how paths are displayed', () => {
    for (const b of BASES.filter((x) => x.name !== 'rich.yaml')) {
      const abs = `${POLICIES_DIR}/${b.name}`;
      const ref = asText(compilePolicy(abs, fsHost(POLICIES_DIR)).files!);
      for (const cwd of ['/', '/tmp', `${POLICIES_DIR}/examples`]) expect(asText(compilePolicy(abs, fsHost(cwd)).files!), `${b.name} from ${cwd}`).toEqual(ref);
    }
    const displays: ((abs: string) => string)[] = [(a) => relative(VROOT, a), (a) => `file://${a}`, (a) => a.split('/').reverse().join('\\')];
    for (const b of BASES) {
      const ref = asText(compileText(b.abs, b.text));
      for (const d of displays) expect(asText(compileText(b.abs, b.text, d)), b.name).toEqual(ref);
    }
  });

  it('shuffling mapping keys changes no artifact except the source map and source hashes', () => {
    const baseline = BASES.map((b) => asText(compileText(b.abs, b.text)));
    let reordered = 0;
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.integer(), (i, seed) => {
        const b = BASES[i]!;
        const value = parseYaml(b.text) as unknown;
        const shuffled = shuffleKeys(value, rng(seed));
        if (keyOrder(shuffled) !== keyOrder(value)) reordered++;
        const got = asText(compileText(b.abs, stringifyYaml(shuffled)));
        const want = baseline[i]!;
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        for (const f of ['policy.json', 'mounts.json', 'env.json', 'cgroup.json', 'seccomp/oci.json', 'seccomp/x86_64.bpf', 'seccomp/aarch64.bpf']) expect(got[f], f).toBe(want[f]);
        // The manifest differs only in the entry file's hash and the hashes of the artifacts that
        // quote line numbers: the source map and the seccomp listings.
        const strip = (m: string) => {
          const j = JSON.parse(m) as { sources: unknown[]; artifacts: Record<string, string> };
          for (const f of ['sourcemap.json', 'seccomp/x86_64.txt', 'seccomp/aarch64.txt']) delete j.artifacts[f];
          return { ...j, sources: j.sources.slice(1) };
        };
        expect(strip(got['manifest.json']!)).toEqual(strip(want['manifest.json']!));
        // The source map names the same items in the same files; only lines and columns move.
        const items = (m: string) => Object.entries((JSON.parse(m) as { entries: Record<string, { file: string }> }).entries).map(([k, v]) => `${k} ${v.file}`).sort();
        expect(items(got['sourcemap.json']!)).toEqual(items(want['sourcemap.json']!));
      }),
      fcParams(300),
    );
    // Control: the shuffles did reorder keys, so the property above could have failed.
    expect(reordered).toBeGreaterThan(100);
  });
});
