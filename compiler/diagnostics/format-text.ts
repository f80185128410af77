import type { Diagnostic, SourceTexts, Span } from './types.js';

function sourceLine(texts: SourceTexts, span: Span): string | null {
  const text = texts.get(span.file);
  if (text === undefined) return null;
  let start = 0;
  for (let l = 1; l < span.line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return null;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

function where(span: Span | undefined): string {
  return span ? `${span.file}:${span.line}:${span.col}` : 'sandforge';
}

/** A source line with a caret under the span; long lines are cut around the column. */
function excerpt(texts: SourceTexts, span: Span): string[] {
  let line = sourceLine(texts, span);
  if (line === null) return [];
  let col = span.col;
  let width = span.endLine === span.line ? Math.max(1, span.endCol - span.col) : Math.max(1, line.length - col + 1);
  const MAX = 120;
  if (line.length > MAX) {
    const from = Math.max(0, col - 40);
    line = (from > 0 ? '…' : '') + line.slice(from, from + MAX) + (from + MAX < line.length ? '…' : '');
    col = col - from + (from > 0 ? 1 : 0);
  }
  width = Math.min(width, Math.max(1, line.length - col + 1));
  // Tabs would misalign the caret: show them as single spaces.
  const shown = line.replace(/\t/g, ' ');
  const num = String(span.line);
  const pad = ' '.repeat(num.length);
  return [`${num} | ${shown}`, `${pad} | ${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(width)}`];
}

export function formatText(ds: readonly Diagnostic[], texts: SourceTexts): string {
  const out: string[] = [];
  for (const d of ds) {
    out.push(`${where(d.span)}: ${d.severity} ${d.code}: ${d.message}`);
    if (d.span) out.push(...excerpt(texts, d.span).map((l) => '  ' + l));
    if (d.hint) out.push(`  = help: ${d.hint}`);
    for (const r of d.related ?? []) {
      out.push(`  = note: ${where(r.span)}: ${r.message}`);
      out.push(...excerpt(texts, r.span).map((l) => '    ' + l));
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

export function summary(ds: readonly Diagnostic[]): string {
  const e = ds.filter((d) => d.severity === 'error').length;
  const w = ds.length - e;
  const n = (k: number, s: string) => `${k} ${s}${k === 1 ? '' : 's'}`;
  return `${n(e, 'error')}, ${n(w, 'warning')}`;
}
