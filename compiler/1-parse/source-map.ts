import type { Span } from '../diagnostics/types.js';

/** A JSON-pointer-like path into a parsed document: ["network", "allow", 0, "host"]. */
export type PathSeg = string | number;
export type NodePath = readonly PathSeg[];

export function pointer(path: NodePath): string {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The inverse of pointer(); numeric segments become list indices. */
export function parsePointer(p: string): PathSeg[] {
  if (p === '') return [];
  return p.slice(1).split('/').map((s) => {
    const u = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^(0|[1-9][0-9]*)$/.test(u) ? Number(u) : u;
  });
}

export function displayPath(path: NodePath): string {
  if (path.length === 0) return 'the policy';
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

export interface NodeSpans {
  /** The value node. */
  value: Span;
  /** The key of the pair holding the value (absent for list items and the root). */
  key?: Span;
}

/** Where each node of a parsed document came from. */
export class SourceMap {
  readonly #spans = new Map<string, NodeSpans>();
  constructor(readonly file: string) {}

  set(path: NodePath, spans: NodeSpans): void {
    this.#spans.set(pointer(path), spans);
  }

  get(path: NodePath): NodeSpans | undefined {
    return this.#spans.get(pointer(path));
  }

  /** The span of the value at path, or of its nearest ancestor that exists. */
  valueSpan(path: NodePath): Span {
    for (let n = path.length; n >= 0; n--) {
      const s = this.#spans.get(pointer(path.slice(0, n)));
      if (s) return s.value;
    }
    return { file: this.file, line: 1, col: 1, endLine: 1, endCol: 1 };
  }

  /** The span of the key naming the value at path (falls back to the value span). */
  keySpan(path: NodePath): Span {
    const s = this.#spans.get(pointer(path));
    return s?.key ?? this.valueSpan(path);
  }
}
