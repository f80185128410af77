import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { resolvePolicy } from '../../compiler/compile.js';
import { lintResolved } from '../../compiler/lint/lint-policy.js';
import type { SourceHost } from '../../compiler/3-resolve/source-host.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { formatText } from '../../compiler/diagnostics/format-text.js';
import { catalog, type CatalogEntry } from '../../compiler/diagnostics/catalog.js';
import type { LintRule } from '../../compiler/lint/rule.js';

/** The repository's real built-in profiles, so that rules see what users get. */
export const BUILTIN_DIR = fileURLToPath(new URL('../../policies', import.meta.url));
export const VIRTUAL_DIR = '/virtual';
export const ENTRY = `${VIRTUAL_DIR}/policy.yaml`;

/**
 * A policy under test: its text (compiled as /virtual/policy.yaml), or several files keyed
 * by name relative to /virtual (the entry is "policy.yaml"), for extends chains.
 */
export type PolicySource = string | Record<string, string>;

/** Join a policy's lines; lets test tables write one line per array element. */
export const yaml = (...lines: string[]): string => lines.join('\n') + '\n';

export function memoryHost(files: Record<string, string>): SourceHost {
  const enc = new TextEncoder();
  const under = (p: string) => p === VIRTUAL_DIR || p.startsWith(VIRTUAL_DIR + '/');
  return {
    readFile(abs) {
      if (under(abs)) {
        const rel = abs.slice(VIRTUAL_DIR.length + 1);
        const text = files[rel];
        return text === undefined ? new Error('no such file') : enc.encode(text);
      }
      if (abs.startsWith(BUILTIN_DIR + '/') && existsSync(abs)) return readFileSync(abs);
      return new Error('no such file');
    },
    // Everything under /virtual "exists", so the workspace warning (SF3005) stays quiet.
    exists: (abs) => under(abs),
    builtinDir: BUILTIN_DIR,
    display: (abs) => abs,
  };
}

export interface LintRun {
  /** Every diagnostic: resolve phase and lint. */
  all: Diagnostic[];
  /** Lint diagnostics only. */
  lint: Diagnostic[];
}

/** Resolve a policy through the real phases 1–3 and lint it. Throws on policy errors. */
export function lintPolicy(source: PolicySource): LintRun {
  const files = typeof source === 'string' ? { 'policy.yaml': source } : source;
  const r = resolvePolicy(ENTRY, memoryHost(files));
  if (!r.resolved) {
    // A test table entry that does not even compile is a broken test, not a lint result.
    throw new Error(`policy does not resolve:\n${formatText(r.diagnostics, r.texts)}`);
  }
  const lint = lintResolved(r.resolved);
  return { all: [...r.diagnostics, ...lint], lint };
}

/** The diagnostics of one code, in the order the linter reported them. */
export function lintCode(source: PolicySource, code: string): Diagnostic[] {
  return lintPolicy(source).lint.filter((d) => d.code === code);
}

export interface Expected {
  line: number;
  col: number;
  /** Checked when given. */
  file?: string;
  /** A substring the message must contain, when given. */
  message?: string;
}

/** Positions (and what else the expectation names) of the findings, for exact comparison. */
export function findingsLike(ds: Diagnostic[], expected: readonly Expected[]): Expected[] {
  return ds.map((d, i) => {
    const e = expected[i];
    const got: Expected = { line: d.span?.line ?? 0, col: d.span?.col ?? 0 };
    if (e?.file !== undefined) got.file = d.span?.file ?? '';
    if (e?.message !== undefined) got.message = d.message.includes(e.message) ? e.message : d.message;
    return got;
  });
}

export interface ValidCase {
  name: string;
  policy: PolicySource;
}
export interface InvalidCase extends ValidCase {
  /** Every finding of the rule's code, in order. */
  findings: Expected[];
}

/**
 * The typescript-eslint RuleTester shape: every `valid` policy produces no finding of the
 * rule's code; every `invalid` policy produces exactly the listed findings.
 */
export function runRuleTests(rule: LintRule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`${rule.name} (${rule.code})`, () => {
    it('is a lint warning in the catalog', () => {
      const entry = (catalog as Record<string, CatalogEntry>)[rule.code];
      expect(entry?.severity).toBe('warning');
      expect(rule.code).toMatch(/^SF6\d{3}$/);
    });
    it('has at least one valid and one invalid case', () => {
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
    });
    describe('valid', () => {
      it.each(cases.valid)('$name', ({ policy }) => {
        expect(lintCode(policy, rule.code)).toEqual([]);
      });
    });
    describe('invalid', () => {
      it.each(cases.invalid)('$name', ({ policy, findings }) => {
        const ds = lintCode(policy, rule.code);
        expect(findingsLike(ds, findings)).toEqual(findings);
        for (const d of ds) expect(d.severity).toBe('warning');
      });
    });
  });
}
