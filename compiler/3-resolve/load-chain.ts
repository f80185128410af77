import { MAX_FILE_BYTES, parsePolicy, type ParsedFile } from '../1-parse/parse-policy.js';
import { validatePolicy } from '../2-validate/validate-policy.js';
import type { RawPolicy } from '../2-validate/raw-policy.js';
import { diag } from '../diagnostics/catalog.js';
import { suggestion } from '../diagnostics/did-you-mean.js';
import type { Diagnostic, Related, Span } from '../diagnostics/types.js';
import { BUILTIN_PROFILES, FileTooLarge, isBuiltin, type SourceHost } from './source-host.js';
import { dirOf, joinPath, lexicalPath } from './host-path.js';

export const MAX_CHAIN = 16;

/** One policy file of an extends chain, parsed and validated. */
export interface ChainLink {
  /** Unique key: absolute path, or builtin:NAME. */
  key: string;
  /** Name used in diagnostics (Span.file). */
  display: string;
  builtin: boolean;
  /** Directory that relative paths in this file are resolved against. */
  baseDir: string;
  policy: RawPolicy;
  parsed: ParsedFile;
}

export interface LoadResult {
  /** Most derived first. Empty when the entry file itself failed. */
  chain: ChainLink[];
  diagnostics: Diagnostic[];
  /** Text of every file read, keyed by display name, for rendering diagnostics. */
  texts: Map<string, string>;
}

/** Phase 3a: follow `extends` from the entry file to the root, parsing and validating each. */
export function loadChain(entryAbs: string, host: SourceHost): LoadResult {
  const ds: Diagnostic[] = [];
  const texts = new Map<string, string>();
  const chain: ChainLink[] = [];
  const entryDir = dirOf(entryAbs);

  type Target = { key: string; abs: string; display: string; builtin: boolean; via?: { span: Span; link: string } };
  let next: Target | null = { key: lexicalPath(entryAbs), abs: entryAbs, display: host.display(entryAbs), builtin: false };
  const seen = new Map<string, number>();
  const vias: ({ span: Span; link: string } | undefined)[] = [];
  let broken = false;

  while (next) {
    const t: Target = next;
    next = null;
    if (seen.has(t.key)) {
      const start = seen.get(t.key)!;
      const loop = chain.slice(start).map((c) => c.display);
      const related: Related[] = [];
      for (let i = start + 1; i < vias.length; i++) {
        const v = vias[i];
        if (v) related.push({ span: v.span, message: `extends ${v.link}` });
      }
      if (t.via) related.push({ span: t.via.span, message: `extends ${t.via.link}` });
      ds.push(diag('SF3003', { chain: [...loop, t.display].join(' → ') }, t.via?.span, { related }));
      break;
    }
    if (chain.length >= MAX_CHAIN) {
      ds.push(diag('SF3004', { limit: MAX_CHAIN }, t.via?.span));
      break;
    }
    const bytes = host.readFile(t.abs);
    if (bytes instanceof FileTooLarge) {
      ds.push(diag('SF1006', { size: bytes.size, limit: MAX_FILE_BYTES }, { file: t.display, line: 1, col: 1, endLine: 1, endCol: 2 }));
      break;
    }
    if (bytes instanceof Error) {
      if (t.via) ds.push(diag('SF3001', { target: t.via.link, reason: bytes.message }, t.via.span));
      else ds.push(diag('SF1012', { path: t.display, reason: bytes.message }));
      break;
    }
    const pr = parsePolicy(t.display, bytes);
    if (pr.text !== null) texts.set(t.display, pr.text);
    ds.push(...pr.diagnostics);
    if (!pr.parsed) break;
    const vr = validatePolicy(pr.parsed);
    ds.push(...vr.diagnostics);
    if (!vr.policy) {
      // Keep following a well-formed `extends` so that every problem of the chain is
      // reported in one run; the chain itself is discarded below.
      const ext = (pr.parsed.value as { extends?: unknown }).extends;
      broken = true;
      if ((typeof ext !== 'string' && ext !== undefined) || ext === '') break;
    }
    seen.set(t.key, chain.length);
    vias.push(t.via);
    const link: ChainLink = {
      key: t.key,
      display: t.display,
      builtin: t.builtin,
      // Built-in profiles are templates: their relative paths (e.g. `workspace: .`) mean the
      // directory of the policy being compiled, not the directory the profile is stored in.
      baseDir: t.builtin ? entryDir : dirOf(t.abs),
      policy: vr.policy ?? (pr.parsed.value as RawPolicy),
      parsed: pr.parsed,
    };
    chain.push(link);

    // `none` is the root of every chain.
    if (t.builtin && t.key === 'builtin:none') break;
    const ext = link.policy.extends ?? 'agent';
    const span = pr.parsed.map.valueSpan(['extends']);
    const hasKey = link.policy.extends !== undefined;
    const via = { span: hasKey ? span : pr.parsed.map.valueSpan([]), link: ext };
    if (isBuiltin(ext)) {
      next = { key: `builtin:${ext}`, abs: joinPath(host.builtinDir, `${ext}.yaml`), display: `builtin:${ext}`, builtin: true, via };
    } else if (ext.startsWith('./') || ext.startsWith('../') || ext.startsWith('/')) {
      if (t.builtin) {
        ds.push(diag('SF9001', { detail: `built-in profile ${t.display} extends a file` }, span));
        break;
      }
      const abs = ext.startsWith('/') ? ext : joinPath(dirOf(t.abs), ext);
      // The key names the file for cycle detection; `./sub/../p.yaml` is p.yaml.
      next = { key: lexicalPath(abs), abs, display: host.display(abs), builtin: false, via };
    } else {
      ds.push(diag('SF3002', { name: ext, suggestion: suggestion(ext, BUILTIN_PROFILES), builtins: BUILTIN_PROFILES.join(', ') }, span, {
        hint: 'write ./' + ext + ' to extend a file next to this policy',
      }));
      break;
    }
  }
  return { chain: broken ? [] : chain, diagnostics: ds, texts };
}
