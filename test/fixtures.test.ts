/**
 * Fixture-folder tests (in the style of the Svelte compiler's tests: input + expected output).
 *
 *   test/fixtures/invalid/<NN-name>/policy.yaml|policy.json  (+ any files it extends)
 *   test/fixtures/invalid/<NN-name>/expected.json            every diagnostic, errors and warnings:
 *       [{"code":"SF2002","line":4,"col":1}, {"code":"SF2006","line":5,"col":11,"file":"base.yaml"}]
 *       sorted by (file, line, col, code); "file" (relative to the fixture folder, or builtin:NAME)
 *       is given only for diagnostics outside the entry policy file.
 *   test/fixtures/valid/<name>/policy.yaml|policy.json       (+ any files it extends)
 *   test/fixtures/valid/<name>/expected/*.json                the exact bundle files
 *   test/fixtures/valid/<name>/expected.json                  optional: expected warnings (default none)
 *
 * Every fixture is compiled through an in-memory SourceHost: the fixture folder is mounted at
 * the virtual directory /fixture/<name>, the built-in profiles at /builtin, so bundles and
 * diagnostics do not depend on where the repository is cloned.
 *
 * `UPDATE_FIXTURES=1 npx vitest run test/fixtures.test.ts [-t NAME]` (NAME e.g. `fixtures/valid`
 * or `07-not-utf8`) rewrites the expectations from the compiler's current output. Review every
 * rewritten file by hand before committing it.
 * A fixture folder holding BUG.md documents a known compiler bug: its expectations were written
 * by hand and are NOT rewritten (use UPDATE_FIXTURES=force once the bug is fixed, and delete BUG.md).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicy } from '../compiler/compile.js';
import { catalog } from '../compiler/diagnostics/catalog.js';
import { compareDiagnostics, hasErrors, type Diagnostic } from '../compiler/diagnostics/types.js';
import { FileTooLarge, type SourceHost } from '../compiler/3-resolve/source-host.js';
import { MAX_FILE_BYTES } from '../compiler/1-parse/parse-policy.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
const BUILTIN_REAL = join(HERE, '..', 'policies');
const BUILTIN_VIRTUAL = '/builtin';
const UPDATE = process.env.UPDATE_FIXTURES === '1' || process.env.UPDATE_FIXTURES === 'force';
const UPDATE_BUGS = process.env.UPDATE_FIXTURES === 'force';

interface ExpectedDiagnostic {
  code: string;
  line: number;
  col: number;
  file?: string;
}

/** The SourceHost of one fixture: its folder at /fixture/<name>, built-ins at /builtin. */
function fixtureHost(realDir: string, virtualDir: string): SourceHost {
  const inside = (p: string) => p === virtualDir || p.startsWith(virtualDir + '/');
  const toReal = (abs: string): string | null => {
    const p = posix.normalize(abs);
    if (inside(p)) return join(realDir, posix.relative(virtualDir, p));
    if (p.startsWith(BUILTIN_VIRTUAL + '/')) return join(BUILTIN_REAL, posix.relative(BUILTIN_VIRTUAL, p));
    return null;
  };
  return {
    // Same answers as runtime/fs-host.ts, on the virtual tree only.
    readFile(abs) {
      const real = toReal(abs);
      if (real === null) return new Error('no such file');
      try {
        const st = statSync(real);
        if (st.isDirectory()) return new Error('is a directory');
        if (st.size > MAX_FILE_BYTES) return new FileTooLarge(st.size);
        return readFileSync(real);
      } catch {
        return new Error('no such file');
      }
    },
    // Only the fixture folder and what is below it exist (whether or not a real file is there).
    exists: (abs) => inside(posix.normalize(abs)),
    builtinDir: BUILTIN_VIRTUAL,
    display(abs) {
      const r = posix.relative(virtualDir, abs);
      return r === '' ? abs : r;
    },
  };
}

function fixtureNames(kind: 'invalid' | 'valid'): string[] {
  const dir = join(FIXTURES, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

function compileFixture(kind: 'invalid' | 'valid', name: string) {
  const realDir = join(FIXTURES, kind, name);
  const entries = ['policy.yaml', 'policy.json'].filter((f) => existsSync(join(realDir, f)));
  expect(entries, `${kind}/${name} must hold exactly one of policy.yaml, policy.json`).toHaveLength(1);
  const entry = entries[0]!;
  const virtualDir = `/fixture/${name}`;
  const result = compilePolicy(`${virtualDir}/${entry}`, fixtureHost(realDir, virtualDir));
  return { realDir, entry, result };
}

/** Diagnostics as fixtures write them: sorted by (file, line, col, code); file only outside the entry file. */
function summarize(ds: readonly Diagnostic[], entry: string): ExpectedDiagnostic[] {
  return [...ds].sort(compareDiagnostics).map((d) => {
    // A diagnostic without a position is written with line 0, col 0.
    const e: ExpectedDiagnostic = { code: d.code, line: d.span?.line ?? 0, col: d.span?.col ?? 0 };
    if (d.span && d.span.file !== entry) e.file = d.span.file;
    return e;
  });
}

function formatExpected(list: ExpectedDiagnostic[]): string {
  if (list.length === 0) return '[]\n';
  return '[\n' + list.map((e) => '  ' + JSON.stringify(e)).join(',\n') + '\n]\n';
}

function readExpected(path: string): ExpectedDiagnostic[] {
  expect(existsSync(path), `${path} is missing (run with UPDATE_FIXTURES=1, then review it)`).toBe(true);
  return JSON.parse(readFileSync(path, 'utf8')) as ExpectedDiagnostic[];
}

function mayUpdate(realDir: string): boolean {
  if (!UPDATE) return false;
  if (existsSync(join(realDir, 'BUG.md')) && !UPDATE_BUGS) {
    console.warn(`not updating ${realDir}: it documents a known compiler bug (BUG.md); use UPDATE_FIXTURES=force`);
    return false;
  }
  return true;
}

const invalid = fixtureNames('invalid');
const valid = fixtureNames('valid');

describe('fixtures/invalid', () => {
  it('there are at least 40 of them', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(40);
  });

  it.each(invalid)('%s', (name) => {
    const { realDir, entry, result } = compileFixture('invalid', name);
    const actual = summarize(result.diagnostics, entry);
    const expectedPath = join(realDir, 'expected.json');
    if (mayUpdate(realDir)) writeFileSync(expectedPath, formatExpected(actual));
    const expected = readExpected(expectedPath);

    expect(actual).toEqual(expected);
    // The expectation itself names at least one error, and the compiler refused the policy.
    expect(expected.some((e) => (catalog as Record<string, { severity: string }>)[e.code]?.severity === 'error'), 'expected.json lists no error').toBe(true);
    expect(hasErrors(result.diagnostics), 'the policy compiled without errors').toBe(true);
    expect(result.files).toBeNull();
  });
});

describe('fixtures/valid', () => {
  it('there are at least 5 of them', () => {
    expect(valid.length).toBeGreaterThanOrEqual(5);
  });

  it.each(valid)('%s', (name) => {
    const { realDir, entry, result } = compileFixture('valid', name);
    const expectedDir = join(realDir, 'expected');
    const diagPath = join(realDir, 'expected.json');
    const update = mayUpdate(realDir);

    const actualDiags = summarize(result.diagnostics, entry);
    if (update) {
      if (actualDiags.length > 0) writeFileSync(diagPath, formatExpected(actualDiags));
      else rmSync(diagPath, { force: true });
    }
    const expectedDiags = existsSync(diagPath) ? readExpected(diagPath) : [];
    expect(actualDiags).toEqual(expectedDiags);
    expect(hasErrors(result.diagnostics)).toBe(false);
    expect(result.files).not.toBeNull();
    const files = result.files!;

    if (update) {
      rmSync(expectedDir, { recursive: true, force: true });
      mkdirSync(expectedDir, { recursive: true });
      for (const [file, bytes] of files) {
        mkdirSync(dirname(join(expectedDir, file)), { recursive: true });
        writeFileSync(join(expectedDir, file), bytes);
      }
    }
    expect(existsSync(expectedDir), `${expectedDir} is missing (run with UPDATE_FIXTURES=1, then review it)`).toBe(true);
    expect([...files.keys()].sort()).toEqual(readdirSync(expectedDir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(expectedDir, f)).isFile()).map((f) => f.split(sep).join('/')).sort());
    for (const [file, bytes] of files) {
      const want = readFileSync(join(expectedDir, file));
      // Text first for a readable diff, then the bytes themselves.
      expect(new TextDecoder().decode(bytes), `${name}/expected/${file}`).toBe(want.toString('utf8'));
      expect(Buffer.from(bytes).equals(want), `${name}/expected/${file} (bytes)`).toBe(true);
    }
  });
});
