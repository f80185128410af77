import type { Diagnostic, SourceTexts } from '../../compiler/diagnostics/types.js';
import { compareDiagnostics } from '../../compiler/diagnostics/types.js';
import { formatText, summary } from '../../compiler/diagnostics/format-text.js';
import { formatJson, formatSarif, formatGithub } from '../../compiler/diagnostics/format-machine.js';
import type { Io } from './main.js';
import { UsageError } from './main.js';

export type Format = 'text' | 'json' | 'sarif' | 'github';

export function checkFormat(f: string | undefined): Format {
  const v = f ?? 'text';
  if (v === 'text' || v === 'json' || v === 'sarif' || v === 'github') return v;
  throw new UsageError(`--format must be text, json, sarif or github, not "${v}"`);
}

/** Print diagnostics in the chosen format: text to stderr, machine formats to stdout. */
export function report(io: Io, format: Format, ds: Diagnostic[], texts: SourceTexts, withSummary: boolean): void {
  const sorted = [...ds].sort(compareDiagnostics);
  switch (format) {
    case 'text':
      io.err(formatText(sorted, texts));
      if (withSummary && sorted.length > 0) io.err(`${summary(sorted)}\n`);
      break;
    case 'json':
      io.out(formatJson(sorted));
      break;
    case 'sarif':
      io.out(formatSarif(sorted));
      break;
    case 'github':
      io.out(formatGithub(sorted));
      break;
  }
}
