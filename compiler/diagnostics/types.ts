/** A source location. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface Span {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export type Severity = 'error' | 'warning';

export interface Related {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span?: Span;
  /** How to fix it, when there is something short to say. */
  hint?: string;
  /** Other places that take part in the problem (e.g. each link of an extends cycle). */
  related?: Related[];
}

/** Text of every file a diagnostic may point into, keyed by Span.file. */
export type SourceTexts = ReadonlyMap<string, string>;

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.span?.file ?? '';
  const fb = b.span?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.span?.line ?? 0;
  const lb = b.span?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.span?.col ?? 0;
  const cb = b.span?.col ?? 0;
  if (ca !== cb) return ca - cb;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** At most this many diagnostics per file and phase; the rest are summarised (SF1015). */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/** The first diagnostic of each key, in order. */
export function uniqueBy(ds: readonly Diagnostic[], key: (d: Diagnostic) => string): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = key(d);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Plain mapping (not null, not a list): the shape YAML mappings parse to. */
export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
