import { catalog, docsAnchor, type CatalogEntry } from './catalog.js';
import type { Diagnostic } from './types.js';
import { COMPILER_VERSION } from '../version.js';

/** One JSON document: {diagnostics: [...]} with 1-based positions. */
export function formatJson(ds: readonly Diagnostic[]): string {
  return JSON.stringify({ diagnostics: ds }, null, 2) + '\n';
}

/**
 * SARIF 2.1.0 (OASIS), the subset GitHub code scanning reads: tool.driver.rules with ids,
 * results with ruleId, level, message.text and a physicalLocation region (1-based).
 */
export function formatSarif(ds: readonly Diagnostic[]): string {
  const used = [...new Set(ds.map((d) => d.code))].sort();
  const entries = catalog as Record<string, CatalogEntry>;
  const rules = used.map((code) => {
    const e = entries[code];
    return {
      id: code,
      name: (e?.title ?? code).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: e?.title ?? code },
      fullDescription: { text: e?.doc ?? code },
      helpUri: `https://github.com/sandforge/sandforge/blob/main/${docsAnchor(code)}`,
      defaultConfiguration: { level: e?.severity === 'warning' ? 'warning' : 'error' },
    };
  });
  const loc = (s: NonNullable<Diagnostic['span']>) => ({
    physicalLocation: {
      artifactLocation: { uri: s.file.replace(/^\.\//, '') },
      region: { startLine: s.line, startColumn: s.col, endLine: s.endLine, endColumn: s.endCol },
    },
  });
  const results = ds.map((d) => ({
    ruleId: d.code,
    ruleIndex: used.indexOf(d.code),
    level: d.severity === 'warning' ? 'warning' : 'error',
    message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
    locations: d.span ? [loc(d.span)] : [],
    ...(d.related?.length ? { relatedLocations: d.related.map((r, i) => ({ id: i, ...loc(r.span), message: { text: r.message } })) } : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'sandforge', version: COMPILER_VERSION, informationUri: 'https://github.com/sandforge/sandforge', rules } }, results }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

// GitHub workflow commands: data escapes %, CR, LF; property values also : and ,.
const escData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(ds: readonly Diagnostic[]): string {
  return ds
    .map((d) => {
      const cmd = d.severity === 'warning' ? 'warning' : 'error';
      const props: string[] = [];
      if (d.span) {
        props.push(`file=${escProp(d.span.file)}`, `line=${d.span.line}`, `col=${d.span.col}`);
        if (d.span.endLine === d.span.line) props.push(`endColumn=${d.span.endCol}`);
        else props.push(`endLine=${d.span.endLine}`);
      }
      props.push(`title=${escProp(d.code)}`);
      return `::${cmd} ${props.join(',')}::${escData(d.hint ? `${d.message} (${d.hint})` : d.message)}\n`;
    })
    .join('');
}
