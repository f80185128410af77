import type { ArgRef, Expr, Operand } from './ast.js';

export interface PrintStyle {
  /**
   * Integer literals: 'auto' (the default) writes values below 4096 in decimal and larger
   * ones, which are usually flag masks, in hex; 'dec' and 'hex' force one radix.
   */
  radix?: 'auto' | 'dec' | 'hex';
  /** The u suffix: 'needed' (the default) only on values of 2^63 and above, where CEL requires it. */
  suffix?: 'needed' | 'always';
}

/**
 * Canonical text of a condition, as `sandforge seccomp import` prints conditions converted
 * from OCI profiles. For every tree parseCondition can produce (masks only in comparisons
 * and `in`), parseCondition(printCondition(e)) is e up to positions: parentheses are
 * written exactly where CEL's precedence (! > comparisons > && > ||) and left
 * associativity would otherwise regroup the tree.
 */
export function printCondition(e: Expr, style: PrintStyle = {}): string {
  const op = (o: Operand): string => (o.kind === 'const' ? o.name : int(o.value, style));
  const arg = (a: ArgRef): string => `args[${a.index}]${a.mask ? `.masked(${op(a.mask)})` : ''}`;
  const p = (x: Expr): string => {
    switch (x.kind) {
      case 'bool':
        return String(x.value);
      case 'cmp':
        return `${arg(x.arg)} ${x.op} ${op(x.value)}`;
      case 'in':
        return `${arg(x.arg)} in [${x.values.map(op).join(', ')}]`;
      case 'flags':
        return `${arg(x.arg)}.${x.fn}(${x.values.map(op).join(', ')})`;
      case 'not': {
        // `!` binds tighter than comparisons: !(args[0] == 1) needs its parentheses.
        const inner = x.expr;
        const bare = inner.kind === 'bool' || inner.kind === 'flags' || inner.kind === 'not';
        return bare ? `!${p(inner)}` : `!(${p(inner)})`;
      }
      case 'and':
      case 'or': {
        // Left-associative: a right operand of the same (or a looser) operator is grouped.
        const sym = x.kind === 'and' ? '&&' : '||';
        const l = x.kind === 'and' && x.left.kind === 'or' ? `(${p(x.left)})` : p(x.left);
        const r = x.right.kind === 'or' || x.right.kind === x.kind ? `(${p(x.right)})` : p(x.right);
        return `${l} ${sym} ${r}`;
      }
    }
  };
  return p(e);
}

function int(v: bigint, style: PrintStyle): string {
  const radix = style.radix ?? 'auto';
  const hex = radix === 'hex' || (radix === 'auto' && v >= 4096n);
  const digits = hex ? `0x${v.toString(16)}` : v.toString();
  return style.suffix === 'always' || v >= 1n << 63n ? `${digits}u` : digits;
}
