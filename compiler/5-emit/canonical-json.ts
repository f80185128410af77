/**
 * Deterministic JSON: object keys sorted by UTF-16 code unit order, two-space indent, a final
 * newline. Artifacts are written only through this, so the same IR always gives the same bytes
 * whatever the key order of the input or the JavaScript engine's insertion order. The layout
 * is JSON.stringify's with an indent of 2; in addition a bigint is written as a JSON number
 * with all its digits (seccomp profiles hold unsigned 64-bit values, beyond a double's 2^53).
 */
export function canonicalJson(value: unknown): string {
  return write(value, '') + '\n';
}

function write(v: unknown, indent: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new Error('non-finite number in an artifact');
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
    case 'object': {
      const inner = indent + '  ';
      if (Array.isArray(v)) {
        if (v.length === 0) return '[]';
        return `[\n${v.map((x) => inner + (x === undefined ? 'null' : write(x, inner))).join(',\n')}\n${indent}]`;
      }
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort().filter((k) => o[k] !== undefined);
      if (keys.length === 0) return '{}';
      return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${write(o[k], inner)}`).join(',\n')}\n${indent}}`;
    }
    default:
      throw new Error(`cannot write a ${typeof v} in an artifact`);
  }
}
