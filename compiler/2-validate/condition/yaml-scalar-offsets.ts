/**
 * The decoded text of one YAML scalar together with where each of its UTF-16 code units
 * came from in the file, so that a position inside a `when:` string maps back to the
 * file's line:col even when decoding moved things: escapes in double-quoted scalars
 * (`\"`, `\u00e9`), `''` in single-quoted ones, line folding in multi-line flow scalars and
 * `>` blocks, indentation of `|` and `>` blocks. Follows YAML 1.2.2: §7.3 (flow scalars and
 * their line folding, §6.5), §5.7 (escapes), §8.1 (block scalars, chomping).
 */
export interface DecodedScalar {
  text: string;
  /** Source range [from[i], to[i]) in the file of text's i-th code unit. */
  from: number[];
  to: number[];
  /** File offset just after the last content character (for positions at the end of the text). */
  contentEnd: number;
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_ESCAPE: Record<string, number> = { x: 2, u: 4, U: 8 };

class Out {
  text = '';
  readonly from: number[] = [];
  readonly to: number[] = [];
  contentEnd: number;
  constructor(start: number) {
    this.contentEnd = start;
  }
  push(s: string, from: number, to: number): void {
    this.text += s;
    for (let k = 0; k < s.length; k++) {
      this.from.push(from);
      this.to.push(to);
    }
    this.contentEnd = Math.max(this.contentEnd, to);
  }
  done(): DecodedScalar {
    return { text: this.text, from: this.from, to: this.to, contentEnd: this.contentEnd };
  }
}

const isBreakAt = (s: string, i: number): boolean => s[i] === '\n' || s[i] === '\r';
const breakLength = (s: string, i: number): number => (s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1);
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * Decodes the scalar whose source is file[start, end) (a node's range as the yaml package
 * reports it: from the opening quote or block indicator to the end of the value).
 * Returns null for what it does not recognise (e.g. an alias).
 */
export function decodeScalarSource(file: string, start: number, end: number): DecodedScalar | null {
  const c = file[start];
  if (c === '"' || c === "'") {
    if (end - start < 2 || file[end - 1] !== c) return null;
    return flow(file, start + 1, end - 1, c === '"' ? 'double' : 'single');
  }
  if (c === '|' || c === '>') return block(file, start, end);
  if (c === '*' || c === '&' || c === '!') return null;
  return flow(file, start, end, 'plain');
}

/** Flow scalars: content characters, escapes, and line folding (§6.5, §7.3). */
function flow(s: string, start: number, end: number, style: 'plain' | 'single' | 'double'): DecodedScalar {
  const out = new Out(start);
  // Blanks are held back: before a line break they are not content (§6.5, "trimmed").
  let pending: number[] = [];
  const flush = () => {
    for (const p of pending) out.push(s[p]!, p, p + 1);
    pending = [];
  };
  /** At a line break: returns the offset of the next line's first non-blank character. */
  const fold = (at: number, escaped: boolean): number => {
    let i = at + breakLength(s, at);
    const empties: number[] = [];
    for (;;) {
      while (i < end && isBlank(s[i])) i++;
      if (i < end && isBreakAt(s, i)) {
        empties.push(i);
        i += breakLength(s, i);
        continue;
      }
      break;
    }
    // One break folds to a space; n+1 breaks keep n newlines. An escaped break adds nothing.
    if (empties.length === 0 && !escaped) out.push(' ', at, at + breakLength(s, at));
    for (const e of empties) out.push('\n', e, e + breakLength(s, e));
    return i;
  };

  let i = start;
  while (i < end) {
    const ch = s[i]!;
    if (isBlank(ch)) {
      pending.push(i++);
      continue;
    }
    if (isBreakAt(s, i)) {
      pending = [];
      i = fold(i, false);
      continue;
    }
    flush();
    if (style === 'double' && ch === '\\') {
      if (isBreakAt(s, i + 1)) {
        i = fold(i + 1, true);
        continue;
      }
      const e = s[i + 1] ?? '';
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out.push(simple, i, i + 2);
        i += 2;
        continue;
      }
      const n = HEX_ESCAPE[e];
      if (n !== undefined) {
        const cp = parseInt(s.slice(i + 2, i + 2 + n), 16);
        out.push(String.fromCodePoint(Number.isNaN(cp) ? 0xfffd : cp), i, i + 2 + n);
        i += 2 + n;
        continue;
      }
      out.push(e, i, i + 2);
      i += 2;
      continue;
    }
    if (style === 'single' && ch === "'" && s[i + 1] === "'") {
      out.push("'", i, i + 2);
      i += 2;
      continue;
    }
    out.push(ch, i, i + 1);
    i++;
  }
  // Blanks before the closing quote are content; a plain scalar's range has none.
  if (style !== 'plain') flush();
  return out.done();
}

/** Block scalars `|` and `>` with their indentation and chomping indicators (§8.1). */
function block(s: string, start: number, end: number): DecodedScalar | null {
  let i = start + 1;
  let explicit = 0;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  while (i < end && /[1-9+-]/.test(s[i]!)) {
    const c = s[i]!;
    if (c === '+') chomp = 'keep';
    else if (c === '-') chomp = 'strip';
    else explicit = Number(c);
    i++;
  }
  while (i < end && !isBreakAt(s, i)) i++; // blanks and a comment
  if (i >= end) return { text: '', from: [], to: [], contentEnd: end };
  i += breakLength(s, i);

  interface Line { at: number; text: number; end: number; brk: number }
  const lines: Line[] = [];
  while (i < end) {
    let e = i;
    while (e < end && !isBreakAt(s, e)) e++;
    lines.push({ at: i, text: i, end: e, brk: e });
    i = e < end ? e + breakLength(s, e) : e;
  }
  let indent: number;
  if (explicit > 0) {
    indent = parentIndent(s, start) + explicit;
  } else {
    // The first line with a non-space sets it; with none, the longest line does (§8.1.1.1).
    const first = lines.find((l) => /[^ ]/.test(s.slice(l.at, l.end)));
    if (!first) indent = Math.max(0, ...lines.map((l) => l.end - l.at));
    else {
      indent = 0;
      while (s[first.at + indent] === ' ') indent++;
    }
  }
  // An empty line has at most `indent` spaces (l-empty); past them, even blanks are content.
  const content = lines.map((l) => {
    const empty = l.end - l.at <= indent && !/[^ ]/.test(s.slice(l.at, l.end));
    return { ...l, text: empty ? l.end : l.at + indent, empty };
  });
  let last = -1;
  content.forEach((l, k) => {
    if (!l.empty) last = k;
  });

  const out = new Out(start);
  const brk = (l: Line) => out.push('\n', l.brk, l.brk + breakLength(s, l.brk));
  const body = (l: { text: number; end: number }) => {
    for (let k = l.text; k < l.end; k++) out.push(s[k]!, k, k + 1);
  };
  const folded = s[start] === '>';
  const moreIndented = (l: { text: number; end: number; empty: boolean }) => !l.empty && isBlank(s[l.text]);
  let prev: (typeof content)[number] | null = null;
  let emptiesSince: (typeof content)[number][] = [];
  for (let k = 0; k <= last; k++) {
    const l = content[k]!;
    if (l.empty) {
      if (prev === null) brk(l); // leading empty lines are newlines
      else emptiesSince.push(l);
      continue;
    }
    if (prev !== null) {
      if (folded && !moreIndented(prev) && !moreIndented(l)) {
        if (emptiesSince.length === 0) out.push(' ', prev.brk, prev.brk + breakLength(s, prev.brk));
        else emptiesSince.forEach(brk);
      } else {
        brk(prev);
        emptiesSince.forEach(brk);
      }
    }
    body(l);
    prev = l;
    emptiesSince = [];
  }
  const contentEnd = out.contentEnd;
  if (prev !== null && chomp !== 'strip' && prev.brk < end) {
    brk(prev);
    if (chomp === 'keep') content.slice(last + 1).filter((l) => l.brk < end).forEach(brk);
  }
  return { ...out.done(), contentEnd };
}

/**
 * Indentation of the node holding a block scalar, for an explicit indentation indicator:
 * the header line's leading spaces plus two for each `- ` entry marker before the key.
 * A guess where YAML allows odd layouts; conditionOffsetToSpan checks the decoded text
 * against the parser's and falls back to the whole scalar when they differ.
 */
function parentIndent(s: string, at: number): number {
  let i = s.lastIndexOf('\n', at - 1) + 1;
  let n = 0;
  while (s[i] === ' ') {
    i++;
    n++;
  }
  while (s[i] === '-' && s[i + 1] === ' ') {
    i += 2;
    n += 2;
    while (s[i] === ' ') {
      i++;
      n++;
    }
  }
  return n;
}
