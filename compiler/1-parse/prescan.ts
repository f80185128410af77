/**
 * Cheap, linear checks done before the YAML parser sees the text. The parser recurses
 * per nesting level; a few kilobytes of `- - - - …` or `[[[[…` exhaust its stack or
 * memory, so nesting is bounded here first (conservatively: leading indentation plus
 * block indicators, and flow brackets outside quotes and comments).
 */
export const PRESCAN_DEPTH_LIMIT = 256;

export interface DeepAt {
  offset: number;
}

export function findExcessiveNesting(text: string, limit = PRESCAN_DEPTH_LIMIT): DeepAt | null {
  let flow = 0;
  let lineStart = true;
  let blockDepth = 0;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      lineStart = true;
      blockDepth = 0;
      if (quote === null) continue;
    }
    if (quote !== null) {
      if (quote === '"' && c === 92 /* \\ */) i++;
      else if (text[i] === quote) quote = null;
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 9) {
        blockDepth++;
      } else if ((c === 45 /* - */ || c === 63 /* ? */ || c === 58 /* : */) && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 10 || i + 1 === text.length)) {
        blockDepth++;
      } else {
        lineStart = false;
      }
      if (blockDepth + flow > limit) return { offset: i };
      if (lineStart) continue;
    }
    if (c === 35 /* # */ && (i === 0 || /\s/.test(text[i - 1] ?? ' '))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
      continue;
    }
    if ((c === 34 || c === 39) && (i === 0 || /[\s[{,]/.test(text[i - 1]!))) {
      // A quote opens a quoted scalar only at the start of a token: in `it's` it is text.
      quote = text[i] as '"' | "'";
    } else if (c === 91 || c === 123) {
      flow++;
      if (flow + blockDepth > limit) return { offset: i };
    } else if ((c === 93 || c === 125) && flow > 0) {
      flow--;
    }
  }
  return null;
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column of a byte offset, counting columns in bytes (text may be undecodable). */
export function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 10) { line++; col = 1; } else col++;
  }
  return { line, col };
}
