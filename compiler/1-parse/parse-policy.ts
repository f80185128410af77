import { Composer, LineCounter, Parser, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YNode } from 'yaml';
import { diag } from '../diagnostics/catalog.js';
import { capDiagnostics } from '../diagnostics/cap-diagnostics.js';
import { uniqueBy, type Diagnostic, type Span } from '../diagnostics/types.js';
import { SourceMap, type PathSeg } from './source-map.js';
import { findExcessiveNesting, firstInvalidUtf8, bytePosition, PRESCAN_DEPTH_LIMIT } from './prescan.js';

export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_DEPTH = 64;
export const MAX_ALIAS_NODES = 10_000;

export interface ParsedFile {
  file: string;
  text: string;
  /** Plain data: objects, arrays, strings, numbers, booleans, null. */
  value: unknown;
  map: SourceMap;
}

export interface ParseResult {
  parsed: ParsedFile | null;
  /** Decoded text, when decoding succeeded (for rendering diagnostics). */
  text: string | null;
  diagnostics: Diagnostic[];
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Phase 1: bytes of one policy file in, plain data with a source map out. Pure. */
export function parsePolicy(file: string, bytes: Uint8Array): ParseResult {
  const ds: Diagnostic[] = [];
  const at = (line: number, col: number, len = 1): Span => ({ file, line, col, endLine: line, endCol: col + len });

  if (bytes.length > MAX_FILE_BYTES) {
    return { parsed: null, text: null, diagnostics: [diag('SF1006', { size: bytes.length, limit: MAX_FILE_BYTES }, at(1, 1))] };
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const p = bytePosition(bytes, bad);
    return { parsed: null, text: null, diagnostics: [diag('SF1004', { offset: bad }, at(p.line, p.col))] };
  }
  let text = decoder.decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) {
    ds.push(diag('SF1005', {}, at(1, 1)));
    // Stripped before parsing: columns on line 1 then match what an editor shows.
    text = text.slice(1);
  }
  const lc = new LineCounter();
  const deep = findExcessiveNesting(text);
  if (deep) {
    const lineCounter = lineIndex(text);
    const p = lineCounter(deep.offset);
    ds.push(diag('SF1007', { limit: PRESCAN_DEPTH_LIMIT }, at(p.line, p.col)));
    return { parsed: null, text: text, diagnostics: ds };
  }

  let docs: Document.Parsed[];
  try {
    docs = parseDocuments(text, lc);
  } catch (e) {
    // The parser recurses; the prescan bounds nesting, but should some other shape still
    // exhaust the stack, the file is refused, never the process.
    if (e instanceof RangeError) {
      ds.push(diag('SF1007', { limit: MAX_DEPTH }, at(1, 1)));
      return { parsed: null, text, diagnostics: ds };
    }
    throw e;
  }
  return finish(file, text, docs, ds);
}

/**
 * The first two documents at most: one is the policy, a second is an error (SF1010). The
 * token stream is consumed lazily, so the rest of a file of `---` separators is never parsed.
 */
function parseDocuments(text: string, lc: LineCounter): Document.Parsed[] {
  const composer = new Composer({ strict: true, uniqueKeys: false, prettyErrors: false, merge: false, version: '1.2', schema: 'core' });
  const docs: Document.Parsed[] = [];
  for (const doc of composer.compose(new Parser(lc.addNewLine).parse(text))) {
    docs.push(doc as Document.Parsed);
    if (docs.length === 2) break;
  }
  return docs;
}

function finish(file: string, text: string, docs: Document.Parsed[], ds: Diagnostic[]): ParseResult {
  const at = (line: number, col: number, len = 1): Span => ({ file, line, col, endLine: line, endCol: col + len });

  // Our own line index: the parser's LineCounter misses newlines inside broken tokens.
  const pos = lineIndex(text);
  const span = (start: number, end: number): Span => {
    const a = pos(start);
    const b = pos(Math.max(start, end));
    return { file, line: a.line, col: a.col, endLine: b.line, endCol: b.line === a.line && b.col === a.col ? a.col + 1 : b.col };
  };

  if (docs.length === 0) {
    ds.push(diag('SF1009', { found: 'an empty file' }, at(1, 1)));
    return { parsed: null, text: text, diagnostics: ds };
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    ds.push(diag('SF1010', {}, span(second.range[0], second.range[0] + 3)));
  }
  const doc = docs[0]!;
  for (const e of doc.errors) {
    const [s, t] = e.pos;
    const detail = e.message.split(/ at line \d+, column \d+/)[0]!.replace(/:$/, '');
    const code = e.code === 'TAB_AS_INDENT' ? 'SF1003' : e.code === 'DUPLICATE_KEY' ? null : 'SF1001';
    if (code === 'SF1003') ds.push(diag('SF1003', {}, span(s, s + 1)));
    else if (code) ds.push(diag('SF1001', { detail: lowerFirst(detail) }, span(s, t)));
  }
  if (ds.some((d) => d.severity === 'error')) {
    return { parsed: null, text: text, diagnostics: capDiagnostics(dedupe(ds)) };
  }

  const map = new SourceMap(file);
  const state = { aliasBudget: MAX_ALIAS_NODES, aliasReported: false };
  const convert = (node: YNode | null | undefined, path: PathSeg[], keySpan: Span | undefined, depth: number, viaAlias: Span | null): unknown => {
    if (node == null) return null;
    if (depth > MAX_DEPTH) {
      throw new Bail(diag('SF1007', { limit: MAX_DEPTH }, viaAlias ?? span(node.range![0], node.range![1])));
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      const here = span(node.range![0], node.range![1]);
      if (!target) {
        ds.push(diag('SF1014', { name: node.source }, here));
        return null;
      }
      return convert(target, path, keySpan, depth, viaAlias ?? here);
    }
    const own = viaAlias ?? span(node.range![0], node.range![1]);
    if (viaAlias) {
      state.aliasBudget--;
      if (state.aliasBudget < 0) throw new Bail(diag('SF1008', { limit: MAX_ALIAS_NODES }, viaAlias));
    }
    map.set(path, keySpan ? { value: own, key: keySpan } : { value: own });
    const tag = (node as { tag?: string }).tag;
    if (tag !== undefined && !viaAlias) {
      // The node's range starts after its properties: point at the tag itself.
      const start = node.range![0];
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      const bang = text.lastIndexOf('!', start);
      let at = bang >= lineStart ? bang : start;
      while (at > lineStart && !/\s/.test(text[at - 1]!)) at--;
      ds.push(diag('SF1011', { tag: tagName(tag) }, span(at, text.indexOf(' ', at) > at ? text.indexOf(' ', at) : at + 1)));
    }
    if (isScalar(node)) return node.value ?? null;
    if (isSeq(node)) {
      const out: unknown[] = [];
      node.items.forEach((item, i) => {
        out.push(convert(item as YNode, [...path, i], undefined, depth + 1, viaAlias));
      });
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const first = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as YNode | null;
        const kSpan = k && k.range ? (viaAlias ?? span(k.range[0], k.range[1])) : own;
        if (!isScalar(k) || typeof k.value !== 'string' || (k as { tag?: string }).tag !== undefined) {
          ds.push(diag('SF1013', {}, kSpan));
          continue;
        }
        const key = k.value;
        const prev = first.get(key);
        if (prev !== undefined) {
          if (!viaAlias) ds.push(diag('SF1002', { key, firstLine: prev }, kSpan));
          continue;
        }
        first.set(key, kSpan.line);
        const v = convert(pair.value as YNode | null, [...path, key], kSpan, depth + 1, viaAlias);
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        if (pair.value == null) map.set([...path, key], { value: kSpan, key: kSpan });
      }
      return out;
    }
    return null;
  };

  let value: unknown;
  try {
    value = convert(doc.contents as YNode | null, [], undefined, 0, null);
  } catch (e) {
    if (e instanceof Bail) {
      ds.push(e.diagnostic);
      return { parsed: null, text: text, diagnostics: capDiagnostics(dedupe(ds)) };
    }
    throw e;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = value === null ? 'an empty document' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    ds.push(diag('SF1009', { found }, map.valueSpan([])));
  }
  const errors = ds.some((d) => d.severity === 'error');
  return {
    parsed: errors ? null : { file, text: text, value, map },
    text: text,
    diagnostics: capDiagnostics(dedupe(ds)),
  };
}

class Bail extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

function tagName(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? '!!' + tag.slice('tag:yaml.org,2002:'.length) : tag;
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  return uniqueBy(ds, (d) => `${d.code}:${d.span?.line}:${d.span?.col}`);
}

/** Offset → 1-based line/col for text the YAML parser never saw. */
export function lineIndex(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
}
