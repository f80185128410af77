import type { Diagnostic, Span } from '../../diagnostics/types.js';
import type { ConditionDiagnostic } from './ast.js';
import { decodeScalarSource } from './yaml-scalar-offsets.js';

/**
 * Maps [offset, offset+length) of a decoded `when:` string to the file's line:col.
 * `scalarSpan` is the scalar's value span from the source map (SourceMap.valueSpan), which
 * starts at its first source character: the quote of a quoted scalar, the `|`/`>` of a block
 * scalar. `expected`, when given, is the string the YAML parser decoded: if decoding here
 * gives another text (an alias, a layout this decoder misreads) the whole scalar is
 * returned rather than a wrong column. Columns count UTF-16 code units, as Span's do.
 */
export function conditionOffsetToSpan(fileText: string, scalarSpan: Span, offset: number, length: number, expected?: string): Span {
  const lines = lineStarts(fileText);
  const start = toOffset(lines, scalarSpan.line, scalarSpan.col);
  const end = toOffset(lines, scalarSpan.endLine, scalarSpan.endCol);
  const d = start < end ? decodeScalarSource(fileText, start, end) : null;
  if (!d || (expected !== undefined && !sameText(d.text, expected, fileText[start]))) return scalarSpan;

  const n = d.text.length;
  let a: number;
  let b: number;
  if (offset >= n) {
    // At the end of the condition (e.g. "expected a value, found the end"): just after it.
    a = d.contentEnd;
    b = a;
  } else {
    a = d.from[Math.max(0, offset)]!;
    const last = Math.min(n, Math.max(offset + length, offset + 1)) - 1;
    b = length <= 0 ? a : d.to[last]!;
  }
  const p = toLineCol(lines, a);
  const q = toLineCol(lines, b);
  const endCol = q.line === p.line && q.col <= p.col ? p.col + 1 : q.col;
  return { file: scalarSpan.file, line: p.line, col: p.col, endLine: q.line, endCol };
}

/** Condition diagnostics with the file spans of their offsets. */
export function placeConditionDiagnostics(
  ds: readonly ConditionDiagnostic[],
  fileText: string,
  scalarSpan: Span,
  conditionText: string,
): Diagnostic[] {
  return ds.map((d) => ({ ...d.diagnostic, span: conditionOffsetToSpan(fileText, scalarSpan, d.start, d.end - d.start, conditionText) }));
}

/** Block scalars differ in trailing newlines by chomping, which positions never point into. */
function sameText(decoded: string, expected: string, indicator: string | undefined): boolean {
  if (decoded === expected) return true;
  return (indicator === '|' || indicator === '>') && decoded.replace(/\n+$/, '') === expected.replace(/\n+$/, '');
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function toOffset(starts: readonly number[], line: number, col: number): number {
  const s = starts[Math.min(Math.max(line, 1), starts.length) - 1]!;
  return s + col - 1;
}

function toLineCol(starts: readonly number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo]! + 1 };
}
