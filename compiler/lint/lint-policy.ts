import type { Resolved } from '../compile.js';
import { diag } from '../diagnostics/catalog.js';
import type { Diagnostic, Span } from '../diagnostics/types.js';
import type { LintContext, LintRule } from './rule.js';
import { RULES } from './rules/index.js';

export interface Suppression {
  file: string;
  line: number;
  col: number;
  codes: string[];
  reason: string | null;
}

const SUPPRESS = /(^|\s)#\s*sandforge-ignore\s+(SF\d{4}(?:\s*,\s*SF\d{4})*)(.*)$/;

/** `# sandforge-ignore SF6001[, SF6002]: reason` comments of one file. The reason must follow a colon. */
export function findSuppressions(file: string, text: string): Suppression[] {
  const out: Suppression[] = [];
  text.split('\n').forEach((line, i) => {
    const m = SUPPRESS.exec(line);
    if (!m) return;
    const rest = /^\s*:(.*)$/.exec(m[3]!);
    const reason = rest && rest[1]!.trim() !== '' ? rest[1]!.trim() : null;
    out.push({ file, line: i + 1, col: (m.index ?? 0) + m[1]!.length + 1, codes: m[2]!.split(/\s*,\s*/), reason });
  });
  return out;
}

export function makeContext(resolved: Resolved): LintContext {
  const { merged, chain, ir } = resolved;
  const userFiles = new Set(chain.filter((l) => !l.builtin).map((l) => l.display));
  const entry = chain[0]!;
  const userOrigin = (ptr: string): Span | undefined => {
    const s = merged.origins.get(ptr);
    return s && userFiles.has(s.file) ? s : undefined;
  };
  return {
    ir,
    userOrigin,
    fromUser: (ptr) => userOrigin(ptr) !== undefined,
    entry: { file: entry.display, line: 1, col: 1, endLine: 1, endCol: 2 },
    entryKey: (ptr) => entry.parsed.map.get(ptr.split('/').slice(1))?.key,
  };
}

/** Run every lint rule on a resolved policy and apply the suppressions of its user files. */
export function lintResolved(resolved: Resolved, rules: readonly LintRule[] = RULES): Diagnostic[] {
  const ctx = makeContext(resolved);
  const found: Diagnostic[] = [];
  for (const rule of rules) for (const f of rule.check(ctx)) found.push(diag(rule.code, f.args, f.span));
  const sups = resolved.chain.filter((l) => !l.builtin).flatMap((l) => findSuppressions(l.display, l.parsed.text));
  return applySuppressions(found, sups);
}

export function applySuppressions(found: Diagnostic[], sups: Suppression[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const used = new Set<string>();
  const valid = sups.filter((s) => s.reason !== null);
  for (const d of found) {
    const s = d.span;
    const hit = s && valid.find((v) => v.file === s.file && (v.line === s.line || v.line + 1 === s.line) && v.codes.includes(d.code));
    if (hit) {
      used.add(`${hit.file}:${hit.line}:${d.code}`);
      continue;
    }
    out.push(d);
  }
  for (const s of sups) {
    const span: Span = { file: s.file, line: s.line, col: s.col, endLine: s.line, endCol: s.col + 1 };
    for (const code of s.codes) {
      if (s.reason === null) out.push(diag('SF6006', { code }, span));
      else if (!used.has(`${s.file}:${s.line}:${code}`)) out.push(diag('SF6009', { code }, span));
    }
  }
  return out;
}
