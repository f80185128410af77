import type { Diagnostic, Span } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import type { ChainLink } from '../3-resolve/load-chain.js';
import type { Merged } from '../3-resolve/merge-chain.js';
import { joinPath } from '../3-resolve/host-path.js';
import { isRelativePath } from '../2-validate/path-forms.js';
import { compileGlob, components, globCovers, hasGlobSyntax } from './glob.js';

/**
 * Compile-time checks of the host paths a policy names (docs/paths.md#compile-time-checks).
 * Warnings only, and only about entries written in the user's files (built-in profiles are
 * templates reviewed with Sandforge):
 * - SF3100: a policy-relative read or write path (./x, ../x) that does not exist next to the
 *   policy file. Absolute and ~/ paths are not checked: the bundle may be applied on another
 *   host, and ~ is only known at apply time.
 * - SF3101: a grant (workspace, read, write) that a deny entry masks entirely: deny wins, so
 *   the grant has no effect.
 * - SF3102: a grant inside another grant with the same access (read in read, write in write
 *   or the workspace): it changes nothing. A read-only path inside a writable one (or the
 *   reverse) is not reported: that is how a read-only `./.git` in the workspace is written.
 *
 * `~` is never expanded here: `~/a` is compared as a path below a directory named `~`, so that
 * home entries are compared with home entries and never with absolute ones.
 */
interface Entry {
  list: 'workspace' | 'read' | 'write';
  entry: string;
  comps: string[];
  writable: boolean;
  span: Span | undefined;
}

/** `~/a` -> ['~', 'a']; `/a/b` -> ['a', 'b']. */
function unexpanded(p: string): string[] {
  return p === '~' ? ['~'] : p.startsWith('~/') ? ['~', ...components(p.slice(2))] : components(p);
}

function within(p: readonly string[], dir: readonly string[]): boolean {
  return dir.length <= p.length && dir.every((c, i) => p[i] === c);
}

export function checkPolicyPaths(chain: readonly ChainLink[], merged: Merged, exists: (abs: string) => boolean): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const userFiles = new Set(chain.filter((l) => !l.builtin).map((l) => l.display));
  const fromUser = (s: Span | undefined): s is Span => s !== undefined && userFiles.has(s.file);

  for (const link of chain) {
    if (link.builtin) continue;
    for (const list of ['read', 'write'] as const) {
      (link.policy.filesystem?.[list] ?? []).forEach((p, i) => {
        if (!isRelativePath(p)) return;
        const abs = joinPath(link.baseDir, p);
        if (!exists(abs)) ds.push(diag('SF3100', { list, path: p, abs }, link.parsed.map.valueSpan(['filesystem', list, i])));
      });
    }
  }

  const fs = merged.policy.filesystem ?? {};
  const o = (ptr: string) => merged.origins.get(ptr);
  // In the order lower-mounts.ts stages them (read, workspace, write): among grants of the
  // same depth the later one is mounted on top.
  const entries: Entry[] = [];
  (fs.read ?? []).forEach((p, i) => entries.push({ list: 'read', entry: p, comps: unexpanded(p), writable: false, span: o(`/filesystem/read/${i}`) }));
  if (fs.workspace !== undefined) entries.push({ list: 'workspace', entry: fs.workspace, comps: unexpanded(fs.workspace), writable: true, span: o('/filesystem/workspace') });
  (fs.write ?? []).forEach((p, i) => entries.push({ list: 'write', entry: p, comps: unexpanded(p), writable: true, span: o(`/filesystem/write/${i}`) }));

  const homeMarker = ['~'];
  const masks = (fs.deny ?? []).map((d) => {
    if (hasGlobSyntax(d)) {
      const g = compileGlob(d);
      return { d, covers: (c: string[]) => globCovers(g, '/' + c.join('/'), homeMarker) !== null };
    }
    const dc = unexpanded(d);
    return { d, covers: (c: string[]) => within(c, dc) };
  });

  for (const e of entries) {
    if (!fromUser(e.span)) continue;
    const mask = masks.find((m) => m.covers(e.comps));
    if (mask) {
      ds.push(diag('SF3101', { list: e.list === 'workspace' ? 'the workspace' : `filesystem.${e.list} entry`, path: e.entry, deny: mask.d }, e.span));
      continue;
    }
    // The innermost other grant strictly above this one: what the path would be without it.
    let outer: Entry | undefined;
    for (const g of entries) {
      if (g === e || g.comps.length >= e.comps.length || !within(e.comps, g.comps)) continue;
      if (!outer || g.comps.length >= outer.comps.length) outer = g;
    }
    if (outer && outer.writable === e.writable) {
      const by = outer.list === 'workspace' ? `the workspace ${outer.entry}` : `filesystem.${outer.list} entry ${outer.entry}`;
      ds.push(diag('SF3102', { path: e.entry, access: e.writable ? 'writable' : 'readable', by }, e.span));
    }
  }
  return ds;
}
