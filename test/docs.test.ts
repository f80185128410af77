import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalog, type CatalogEntry } from '../compiler/diagnostics/catalog.js';
import { renderDiagnosticsDoc } from '../compiler/diagnostics/render-diagnostics-doc.js';
import { RULES } from '../compiler/lint/rules/index.js';
import type { LintRule } from '../compiler/lint/rule.js';

/**
 * Meta-tests: the docs, the catalog and the code agree. Every code is documented and used,
 * every code used exists, every lint rule has tests, every policy key is described.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const entries = catalog as Record<string, CatalogEntry>;
const codes = Object.keys(entries).sort();

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const CATALOG_FILE = join(root, 'compiler/diagnostics/catalog.ts');
const DOC_RENDERER = join(root, 'compiler/diagnostics/render-diagnostics-doc.ts');
const sources = [...sourceFiles(join(root, 'compiler')), ...sourceFiles(join(root, 'runtime'))]
  .filter((f) => f !== CATALOG_FILE)
  .map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }));

const read = (rel: string): string => readFileSync(join(root, rel), 'utf8');

describe('docs/diagnostics.md', () => {
  it('is the rendering of the catalog', () => {
    const path = join(root, 'docs/diagnostics.md');
    const committed = existsSync(path) ? readFileSync(path, 'utf8') : '';
    expect(committed, 'docs/diagnostics.md is out of date: run `npm run build && npm run gen:docs`').toBe(renderDiagnosticsDoc());
  });

  it('has a section whose GitHub anchor is the lower-case code, for every code', () => {
    const doc = renderDiagnosticsDoc();
    // GitHub's anchor for a heading: lower-case, punctuation dropped, spaces to dashes.
    const anchors = [...doc.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-'));
    for (const code of codes) expect(anchors, code).toContain(code.toLowerCase());
  });
});

describe('message catalog', () => {
  it('has codes in the documented ranges, with title, message and doc', () => {
    for (const code of codes) {
      const e = entries[code]!;
      expect(code).toMatch(/^SF[1-9]\d{3}$/);
      expect(e.title.trim(), `${code} title`).not.toBe('');
      expect(e.message.trim(), `${code} message`).not.toBe('');
      expect(e.doc.trim(), `${code} doc`).not.toBe('');
      // Lint findings are warnings by definition (DESIGN.md: SF6xxx lint warnings).
      if (code.startsWith('SF6')) expect(e.severity, code).toBe('warning');
    }
  });

  it('uses every code somewhere in compiler/ or runtime/ as a string literal', () => {
    const used = new Set<string>();
    for (const s of sources) {
      if (join(root, s.file) === DOC_RENDERER) continue; // its example is not a use
      for (const m of s.text.matchAll(/(['"`])(SF\d{4})\1/g)) used.add(m[2]!);
    }
    const unused = codes.filter((c) => !used.has(c));
    expect(unused, 'catalog codes that no source file reports; remove them or report them').toEqual([]);
  });

  it('has every code that compiler/, runtime/ or the docs mention', () => {
    const unknown: string[] = [];
    const texts = [...sources];
    for (const doc of ['docs/policy.md', 'docs/bundle.md']) if (existsSync(join(root, doc))) texts.push({ file: doc, text: read(doc) });
    for (const s of texts) {
      for (const m of s.text.matchAll(/\bSF\d{4}\b/g)) if (!(m[0] in entries)) unknown.push(`${s.file}: ${m[0]}`);
    }
    expect(unknown, 'codes used but missing from compiler/diagnostics/catalog.ts').toEqual([]);
  });
});

describe('lint rules', () => {
  const rulesDir = join(root, 'compiler/lint/rules');
  const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => basename(f, '.ts')).sort();

  it('each rule file exports exactly one rule, listed in RULES and named like its file', async () => {
    const fromFiles: LintRule[] = [];
    for (const name of ruleFiles) {
      const mod = (await import(pathToFileURL(join(rulesDir, `${name}.ts`)).href)) as Record<string, unknown>;
      const rules = Object.values(mod).filter((v): v is LintRule => typeof v === 'object' && v !== null && 'check' in v && 'code' in v);
      expect(rules.map((r) => r.name), `${name}.ts`).toEqual([name]);
      fromFiles.push(rules[0]!);
    }
    expect(RULES.map((r) => r.name).sort()).toEqual(fromFiles.map((r) => r.name).sort());
  });

  it('each rule has an SF6xxx warning in the catalog, one code per rule', () => {
    for (const rule of RULES) {
      expect(rule.code, rule.name).toMatch(/^SF6\d{3}$/);
      expect(entries[rule.code]?.severity, rule.name).toBe('warning');
    }
    expect(new Set(RULES.map((r) => r.code)).size).toBe(RULES.length);
  });

  it('each rule has a test file test/lint/rules/<rule-file>.test.ts', () => {
    const missing = RULES.map((r) => r.name).filter((n) => !existsSync(join(root, 'test/lint/rules', `${n}.test.ts`)));
    expect(missing).toEqual([]);
    for (const name of ruleFiles) expect(existsSync(join(root, 'test/lint/rules', `${name}.test.ts`)), name).toBe(true);
  });
});

describe('docs/policy.md', () => {
  interface SchemaNode {
    properties?: Record<string, SchemaNode>;
    items?: SchemaNode;
  }
  const schema = JSON.parse(read('schemas/policy.schema.json')) as SchemaNode;
  const doc = existsSync(join(root, 'docs/policy.md')) ? read('docs/policy.md') : '';
  const headings = [...doc.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.replace(/`/g, ''));
  const documented = (key: string): boolean =>
    doc.includes('`' + key + '`') || headings.some((h) => h.split(/[\s,()]+/).includes(key));

  it('describes every top-level key of the schema', () => {
    const missing = Object.keys(schema.properties ?? {}).filter((k) => !documented(k));
    expect(missing).toEqual([]);
  });

  it('describes every second-level key, as `parent.key` (or `parent[].key` for lists)', () => {
    const missing: string[] = [];
    for (const [top, node] of Object.entries(schema.properties ?? {})) {
      for (const k of Object.keys(node.properties ?? {})) if (!documented(`${top}.${k}`)) missing.push(`${top}.${k}`);
      for (const k of Object.keys(node.items?.properties ?? {})) {
        if (!documented(`${top}[].${k}`) && !documented(`${top}.${k}`)) missing.push(`${top}[].${k}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
