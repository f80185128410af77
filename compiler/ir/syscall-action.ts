import { ERRNO } from '../syscalls/errno.js';
import type { SyscallAction } from './policy-ir.js';

/** Parse an action already checked by the schema and validate phase. */
export function parseAction(text: string): SyscallAction {
  const m = /^errno\((.*)\)$/.exec(text);
  if (m) {
    const arg = m[1]!;
    const n = /^[0-9]+$/.test(arg) ? Number(arg) : ERRNO[arg];
    if (n === undefined) throw new Error(`unknown errno ${arg}`);
    return { kind: 'errno', errno: n };
  }
  switch (text) {
    case 'allow':
    case 'kill-process':
    case 'kill-thread':
    case 'trap':
    case 'log':
      return { kind: text };
    default:
      throw new Error(`unknown action ${text}`);
  }
}

export function formatAction(a: SyscallAction): string {
  if (a.kind !== 'errno') return a.kind;
  const name = Object.keys(ERRNO).find((k) => ERRNO[k] === a.errno);
  return `errno(${name ?? a.errno})`;
}
