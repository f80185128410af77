import { diag } from './catalog.js';
import { MAX_DIAGNOSTICS_PER_FILE, type Diagnostic } from './types.js';

/** Keep the first MAX_DIAGNOSTICS_PER_FILE diagnostics and say how many were left out. */
export function capDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  if (ds.length <= MAX_DIAGNOSTICS_PER_FILE) return ds;
  const kept = ds.slice(0, MAX_DIAGNOSTICS_PER_FILE);
  kept.push(diag('SF1015', { count: ds.length - MAX_DIAGNOSTICS_PER_FILE }, ds[MAX_DIAGNOSTICS_PER_FILE]!.span));
  return kept;
}
