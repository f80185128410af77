import { describe, expect, it } from 'vitest';
import { parsePolicy, MAX_FILE_BYTES } from '../../../compiler/1-parse/parse-policy.js';

const enc = new TextEncoder();
const parse = (text: string | Uint8Array) => parsePolicy('p.yaml', typeof text === 'string' ? enc.encode(text) : text);
const codes = (text: string | Uint8Array) => parse(text).diagnostics.map((d) => `${d.code}@${d.span?.line}:${d.span?.col}`);

/** Runs fn and returns its wall time in ms; used as a hang detector with generous bounds. */
function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

describe('parsePolicy', () => {
  it('parses a mapping and records key and value positions', () => {
    const r = parse('version: 1\nname: x\nnetwork:\n  mode: open\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.parsed!.value).toEqual({ version: 1, name: 'x', network: { mode: 'open' } });
    expect(r.parsed!.map.get(['network', 'mode'])).toMatchObject({ value: { line: 4, col: 9 }, key: { line: 4, col: 3 } });
  });

  it('reports a duplicate key at the second occurrence, naming the first line', () => {
    const r = parse('version: 1\nname: a\nname: b\n');
    expect(codes('version: 1\nname: a\nname: b\n')).toEqual(['SF1002@3:1']);
    expect(r.diagnostics[0]!.message).toContain('line 2');
  });

  it('reports duplicate keys in JSON too', () => {
    expect(codes('{"version": 1, "name": "a", "version": 1}')).toEqual(['SF1002@1:29']);
  });

  it('reports tab indentation', () => {
    expect(codes('version: 1\nnetwork:\n\tmode: open\n')).toContain('SF1003@3:1');
  });

  it('accepts tabs as whitespace inside JSON', () => {
    expect(parse('{\n\t"version": 1,\n\t"name": "x"\n}\n').diagnostics).toEqual([]);
  });

  it('reports invalid UTF-8 with the line and byte column', () => {
    const bytes = new Uint8Array([...enc.encode('version: 1\nname: a'), 0xc3, 0x28, 0x0a]);
    expect(codes(bytes)).toEqual(['SF1004@2:8']);
    // overlong encoding and a lone surrogate encoded in UTF-8 are not UTF-8 either
    expect(codes(new Uint8Array([0xc0, 0xaf]))[0]).toBe('SF1004@1:1');
    expect(codes(new Uint8Array([0x61, 0xed, 0xa0, 0x80]))[0]).toBe('SF1004@1:2');
    expect(codes(new Uint8Array([0x61, 0xe2, 0x82]))[0]).toBe('SF1004@1:2');
  });

  it('warns about a BOM and still parses, with columns as an editor shows them', () => {
    const r = parse('\ufeffversion: 1\nname: x\n');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SF1005']);
    expect(r.parsed!.map.get(['version'])!.value.col).toBe(10);
  });

  it('refuses a file over the size limit without parsing it, in bounded time', () => {
    const big = new Uint8Array(10 * 1024 * 1024).fill(0x61);
    const [r, ms] = timed(() => parse(big));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SF1006']);
    expect(r.diagnostics[0]!.message).toContain(String(MAX_FILE_BYTES));
    expect(ms).toBeLessThan(2000);
  });

  it('refuses 10 000-deep flow nesting before the parser recurses', () => {
    const [r, ms] = timed(() => parse('a: ' + '['.repeat(10_000) + ']'.repeat(10_000)));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SF1007']);
    expect(r.diagnostics[0]!.span!.line).toBe(1);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses 10 000-deep block nesting (which crashes the YAML parser if it gets there)', () => {
    const [r, ms] = timed(() => parse('- '.repeat(10_000) + 'x\n'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SF1007']);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses nesting past 64 levels that the prescan lets through', () => {
    const r = parse('a: ' + '['.repeat(100) + ']'.repeat(100));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SF1007']);
  });

  it('does not count brackets inside quotes or comments as nesting', () => {
    const r = parse(`version: 1\nname: "${'['.repeat(500)}"\n# ${'{'.repeat(500)}\n`);
    expect(r.diagnostics).toEqual([]);
  });

  it('stops a billion-laughs alias bomb in bounded time and memory', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill('*' + prev).join(', ')}]`);
    }
    const [r, ms] = timed(() => parse(lines.join('\n') + '\n'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SF1008']);
    expect(r.diagnostics[0]!.span!.line).toBeGreaterThan(1);
    expect(ms).toBeLessThan(2000);
  });

  it('allows modest aliases', () => {
    const r = parse('version: 1\nname: x\nfilesystem:\n  read: &r [/usr]\n  deny: *r\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.parsed!.value).toMatchObject({ filesystem: { read: ['/usr'], deny: ['/usr'] } });
  });

  it('refuses YAML tags, multiple documents, non-string keys and undefined aliases', () => {
    expect(codes('version: 1\nname: !!binary aGk=\n')).toEqual(['SF1011@2:7']);
    expect(codes('version: 1\n---\nname: x\n')).toEqual(['SF1010@2:1']);
    expect(codes('version: 1\n1: x\n')).toEqual(['SF1013@2:1']);
    expect(codes('version: 1\nname: *nope\n')).toEqual(['SF1014@2:7']);
  });

  it('refuses empty files and non-mapping documents', () => {
    expect(codes('')).toEqual(['SF1009@1:1']);
    expect(codes('# only a comment\n')).toEqual(['SF1009@1:1']);
    expect(codes('- a\n- b\n')).toEqual(['SF1009@1:1']);
    expect(codes('hello\n')).toEqual(['SF1009@1:1']);
  });

  it('reports every syntax error of a file, not only the first', () => {
    const ds = parse('version: 1\nname: [a\nnetwork: {mode: open\nresources: "x\n').diagnostics;
    expect(ds.length).toBeGreaterThanOrEqual(2);
    for (const d of ds) expect(d.code).toMatch(/^SF10\d\d$/);
  });

  it('refuses __proto__ games: keys become own properties, never prototypes', () => {
    const r = parse('version: 1\nname: x\n__proto__:\n  polluted: true\n');
    const v = r.parsed!.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toContain('__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('bounded output', () => {
  it('reports at most 100 problems per file and says how many more there are', () => {
    const [r, ms] = timed(() => parse(`version: 1\n${'&a '.repeat(150_000)}name: agent\n`));
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics[100]!.code).toBe('SF1015');
    expect(r.diagnostics[100]!.message).toMatch(/^\d+ more problems/);
    expect(ms).toBeLessThan(5000);
  });

  it('stops parsing at the second document', () => {
    const [r, ms] = timed(() => parse('version: 1\nname: x\n' + '---\n'.repeat(200_000)));
    expect(r.diagnostics.map((d) => `${d.code}@${d.span?.line}`)).toEqual(['SF1010@3']);
    expect(ms).toBeLessThan(1000);
  });
});
