import type { RawPolicy } from '../2-validate/raw-policy.js';
import { isObj, type Span } from '../diagnostics/types.js';
import { pointer, type PathSeg } from '../1-parse/source-map.js';
import type { ChainLink } from './load-chain.js';
import { cleanPath, joinPath, setOwn } from './host-path.js';
import { isGlob, isRelativePath } from '../2-validate/path-forms.js';

/**
 * Phase 3b: merge an extends chain into one effective (raw) policy, recording where every
 * value came from. Rules (docs/policy.md#extends):
 * - scalars: the more derived policy overrides;
 * - lists: appended, parent first; an entry equal to an earlier one is dropped;
 * - maps (env.set): merged key by key, the more derived value overrides;
 * - deny always wins: merging only ever adds deny entries, and lowering applies them last.
 */
export interface Merged {
  policy: RawPolicy;
  /** pointer into `policy` (e.g. "/network/allow/2/host") -> where the value was written. */
  origins: Map<string, Span>;
}

const LISTS = new Set([
  '/filesystem/read', '/filesystem/write', '/filesystem/tmpfs', '/filesystem/deny',
  '/network/allow', '/network/deny',
  '/syscalls/allow', '/syscalls/deny', '/syscalls/rules',
  '/env/pass', '/process/capabilities', '/tests',
]);
const MAPS = new Set(['/env/set']);


/** Make a link's relative host paths absolute against its base directory. */
export function absolutize(link: ChainLink): RawPolicy {
  const p = structuredClone(link.policy);
  // Relative paths are placed next to the file; every path loses `.` components and
  // trailing or repeated slashes, so that `/srv/data/` and `/srv/data` are one path.
  const abs = (x: string): string => (isRelativePath(x) ? joinPath(link.baseDir, x) : isGlob(x) ? x : cleanPath(x));
  if (p.filesystem) {
    const f = p.filesystem;
    if (f.workspace !== undefined) f.workspace = abs(f.workspace);
    if (f.read) f.read = f.read.map(abs);
    if (f.write) f.write = f.write.map(abs);
    if (f.deny) f.deny = f.deny.map(abs);
  }
  if (p.syscalls?.import !== undefined) p.syscalls.import = abs(p.syscalls.import);
  if (p.vm?.kernel !== undefined) p.vm.kernel = abs(p.vm.kernel);
  if (p.vm?.initrd !== undefined) p.vm.initrd = abs(p.vm.initrd);
  return p;
}

export function mergeChain(chain: readonly ChainLink[]): Merged {
  const origins = new Map<string, Span>();
  let acc: Record<string, unknown> = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    const link = chain[i]!;
    const src = absolutize(link) as unknown as Record<string, unknown>;
    acc = mergeInto(acc, src, [], link, origins);
  }
  return { policy: acc as unknown as RawPolicy, origins };
}

function recordAll(value: unknown, srcPath: PathSeg[], dstPath: PathSeg[], link: ChainLink, origins: Map<string, Span>): void {
  const s = link.parsed.map.get(srcPath);
  origins.set(pointer(dstPath), s?.value ?? link.parsed.map.valueSpan(srcPath));
  if (Array.isArray(value)) value.forEach((v, i) => recordAll(v, [...srcPath, i], [...dstPath, i], link, origins));
  else if (isObj(value)) for (const k of Object.keys(value)) recordAll(value[k], [...srcPath, k], [...dstPath, k], link, origins);
}

function dropOrigins(prefix: string, origins: Map<string, Span>): void {
  for (const k of [...origins.keys()]) if (k === prefix || k.startsWith(prefix + '/')) origins.delete(k);
}

function mergeInto(base: Record<string, unknown>, over: Record<string, unknown>, path: PathSeg[], link: ChainLink, origins: Map<string, Span>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(over)) {
    if (key === 'extends') continue;
    const p = [...path, key];
    const ptr = pointer(p);
    const v = over[key];
    if (LISTS.has(ptr) && Array.isArray(v)) {
      const prev = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
      const seen = new Set(prev.map(stableKey));
      const merged = [...prev];
      v.forEach((item, i) => {
        const k = stableKey(item);
        if (seen.has(k)) return;
        seen.add(k);
        recordAll(item, [...path, key, i], [...p, merged.length], link, origins);
        merged.push(item);
      });
      origins.set(ptr, link.parsed.map.keySpan(p));
      out[key] = merged;
    } else if (MAPS.has(ptr) && isObj(v)) {
      const prev = isObj(out[key]) ? (out[key] as Record<string, unknown>) : {};
      const merged: Record<string, unknown> = { ...prev };
      for (const k of Object.keys(v)) {
        setOwn(merged, k, v[k]);
        recordAll(v[k], [...p, k], [...p, k], link, origins);
      }
      origins.set(ptr, link.parsed.map.keySpan(p));
      out[key] = merged;
    } else if (isObj(v) && !LISTS.has(ptr)) {
      const prev = isObj(out[key]) ? (out[key] as Record<string, unknown>) : {};
      if (!origins.has(ptr)) origins.set(ptr, link.parsed.map.keySpan(p));
      out[key] = mergeInto(prev, v, p, link, origins);
    } else {
      dropOrigins(ptr, origins);
      recordAll(v, p, p, link, origins);
      out[key] = v;
    }
  }
  return out;
}

/** A key for "equal entries" that does not depend on the order of mapping keys. */
function stableKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableKey).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableKey(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/**
 * write implies read: a path inherited as read-only that a more derived policy makes
 * writable is dropped from `read`, and the origins of the remaining read entries are
 * renumbered so that every pointer still names the right value.
 */
export function writeImpliesRead(m: Merged): Merged {
  const fs = m.policy.filesystem;
  if (!fs?.read || !fs.write) return m;
  const write = new Set(fs.write);
  const keep = fs.read.map((r, i) => [r, i] as const).filter(([r]) => !write.has(r));
  if (keep.length === fs.read.length) return m;
  const origins = new Map<string, Span>();
  const prefix = '/filesystem/read/';
  for (const [k, s] of m.origins) if (!k.startsWith(prefix)) origins.set(k, s);
  keep.forEach(([, old], i) => {
    for (const [k, s] of m.origins) {
      if (k === prefix + old || k.startsWith(`${prefix}${old}/`)) origins.set(prefix + i + k.slice(prefix.length + String(old).length), s);
    }
  });
  const policy = { ...m.policy, filesystem: { ...fs, read: keep.map(([r]) => r) } };
  return { policy, origins };
}
