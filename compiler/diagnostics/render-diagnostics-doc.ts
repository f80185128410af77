import { catalog, diag, type CatalogEntry } from './catalog.js';
import { formatText } from './format-text.js';

/**
 * docs/diagnostics.md, rendered from the message catalog. Pure: the same catalog always gives
 * the same text. `scripts/gen-diagnostics-doc.mjs` writes it (from dist/), and
 * test/docs.test.ts checks that the committed file equals this output.
 *
 * Each code gets a heading of its own (`### SF2002`), so that the GitHub anchor is exactly
 * the lower-case code (`#sf2002`), which is what `docsAnchor()` and the SARIF helpUri link to.
 */
const PHASES: readonly [digit: string, name: string, what: string][] = [
  ['1', 'parse', 'reading the file: encoding, YAML syntax, size and nesting limits'],
  ['2', 'validate', 'checking one file against the schema: keys, types, units, paths'],
  ['3', 'resolve', 'following `extends`, merging the chain, placing relative paths'],
  ['4', 'lower', 'turning the effective policy into mount, cgroup and environment plans'],
  ['5', 'emit', 'writing the artifacts of the bundle'],
  ['6', 'lint', 'warnings about risky but valid choices (`sandforge lint`)'],
  ['7', 'runtime / host', 'bundle verification, writing bundles, host checks'],
  ['8', 'violations', 'what the sandbox blocked at run time'],
  ['9', 'internal', 'bugs in Sandforge itself'],
];

/** A diagnostic as the CLI prints it, produced by the real formatter. */
function exampleDiagnostic(): string {
  const file = 'policy.yaml';
  const text = 'version: 1\nname: demo\nresources:\n  memory: 512 MiB\n';
  const d = diag('SF2006', { where: 'resources.memory', found: '512 MiB' }, { file, line: 4, col: 11, endLine: 4, endCol: 18 });
  return formatText([d], new Map([[file, text]])).trimEnd();
}

/** Inline code that survives backticks inside the text. */
function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

export function renderDiagnosticsDoc(): string {
  const entries = Object.entries(catalog as Record<string, CatalogEntry>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);

  p(
    '# Diagnostics',
    '',
    '<!-- Generated from compiler/diagnostics/catalog.ts by `npm run build && npm run gen:docs`. Do not edit by hand. -->',
    '',
    'Every problem Sandforge reports carries a code. This page lists all of them, with what',
    'each one means and how to fix it.',
    '',
    '## Reading a diagnostic',
    '',
    'A diagnostic names the file, line and column (1-based), the severity, the code and a',
    'message, then shows the source line with a caret under the offending text:',
    '',
    '```text',
    exampleDiagnostic(),
    '```',
    '',
    'Some diagnostics add a `= help:` line with a fix, or `= note:` lines pointing at other',
    'places that take part in the problem (for instance each link of an `extends` cycle).',
    'Diagnostics about something that has no position in a policy file (a bundle, the host)',
    'start with `sandforge:` instead of `file:line:col:`.',
    '',
    '`--format json`, `--format sarif` and `--format github` print the same diagnostics for',
    'tools; the SARIF output links every code to its section below.',
    '',
    'An **error** stops the command (exit code 1). A **warning** does not, except under',
    '`sandforge lint --strict`.',
    '',
    'In the message templates below, `{name}` stands for a value filled in when the',
    'diagnostic is reported.',
    '',
    '## Code ranges',
    '',
    'The first digit of a code says which phase found the problem:',
    '',
    '| codes | phase | about |',
    '|---|---|---|',
  );
  for (const [digit, name, what] of PHASES) {
    const n = entries.filter(([c]) => c.startsWith(`SF${digit}`)).length;
    p(`| SF${digit}xxx | ${name} | ${what}${n === 0 ? ' (no codes yet)' : ''} |`);
  }
  p(
    '',
    '## Suppressing a lint warning',
    '',
    'Lint warnings (SF6xxx) flag choices that are valid but risky. When a policy needs one',
    'anyway, say so next to it with a comment, on the same line or on the line before:',
    '',
    '```yaml',
    'network:',
    '  # sandforge-ignore SF6001: this task crawls arbitrary sites; it runs on a throwaway VM',
    '  mode: open',
    'process:',
    '  user: 0  # sandforge-ignore SF6010: the installer under test insists on uid 0',
    '```',
    '',
    'One comment may name several codes, separated by commas:',
    '`# sandforge-ignore SF6002, SF6003: why`. The reason after the colon is required: a',
    'suppression without one has no effect and is itself reported ([SF6006](#sf6006)). A',
    'suppression that matches no warning is reported too ([SF6009](#sf6009)), so stale ones',
    'do not pile up. Only lint warnings can be suppressed, and only in your own policy files;',
    'errors cannot.',
    '',
  );

  for (const [digit, name] of PHASES) {
    const group = entries.filter(([c]) => c.startsWith(`SF${digit}`));
    if (group.length === 0) continue;
    p(`## SF${digit}xxx: ${name}`, '');
    for (const [c, e] of group) {
      p(
        `### ${c}`,
        '',
        `**${e.title}** (${e.severity})`,
        '',
        `Message: ${code(e.message)}`,
        '',
        e.doc,
        '',
      );
    }
  }
  return out.join('\n').replace(/\n+$/, '\n');
}
