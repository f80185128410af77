/**
 * Predicates over the 32-bit words of the syscall arguments: what a seccomp filter can test.
 * Classic BPF loads 32 bits at a time, and struct seccomp_data (linux/seccomp.h) holds each
 * argument as a u64, so every 64-bit comparison is built from tests on its two halves
 * (lower-condition.ts). Each WordTest is one BPF_LD of the word, an optional BPF_AND, and
 * one conditional jump (BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET).
 */
export type Half = 'lo' | 'hi';

/**
 * (word & mask) OP k on one 32-bit word of seccomp_data.args[arg]; all numbers are u32
 * (>>> 0). op 'set' means (word & k) != 0 (BPF JSET) and ignores mask; mask 0xffffffff
 * means no masking.
 */
export interface WordTest {
  kind: 'test';
  arg: number;
  half: Half;
  mask: number;
  op: 'eq' | 'gt' | 'ge' | 'set';
  k: number;
}

export type Pred =
  | { kind: 'const'; value: boolean }
  | WordTest
  | { kind: 'not'; p: Pred }
  | { kind: 'and'; ps: Pred[] }
  | { kind: 'or'; ps: Pred[] };

export const TRUE: Pred = { kind: 'const', value: true };
export const FALSE: Pred = { kind: 'const', value: false };

/**
 * The truth of p for these argument values (u64 each; a missing one reads as 0), read word
 * by word as the filter reads them: 'lo' is bits 0..31 of args[i], 'hi' bits 32..63 (at which
 * offset of seccomp_data each lies depends on the ABI's byte order: the emitter's concern).
 */
export function evalPred(p: Pred, args: readonly bigint[]): boolean {
  switch (p.kind) {
    case 'const':
      return p.value;
    case 'not':
      return !evalPred(p.p, args);
    case 'and':
      return p.ps.every((q) => evalPred(q, args));
    case 'or':
      return p.ps.some((q) => evalPred(q, args));
    case 'test': {
      const v = args[p.arg] ?? 0n;
      const word = Number((p.half === 'lo' ? v : v >> 32n) & 0xffff_ffffn);
      if (p.op === 'set') return (word & p.k) >>> 0 !== 0;
      const w = (word & p.mask) >>> 0;
      const k = p.k >>> 0;
      return p.op === 'eq' ? w === k : p.op === 'gt' ? w > k : w >= k;
    }
  }
}

/**
 * Constant folding and flattening, without change of meaning: constants absorbed or dropped
 * in and/or, nested and/or of the same kind merged, double negation removed, one-element
 * and/or unwrapped, word tests with a constant outcome replaced by it.
 */
export function simplifyPred(p: Pred): Pred {
  switch (p.kind) {
    case 'const':
      return p;
    case 'test':
      return foldTest(p);
    case 'not': {
      const q = simplifyPred(p.p);
      if (q.kind === 'const') return { kind: 'const', value: !q.value };
      if (q.kind === 'not') return q.p;
      return { kind: 'not', p: q };
    }
    case 'and':
    case 'or': {
      // and: false absorbs, true is neutral; or: the other way round.
      const absorbing = p.kind === 'or';
      const ps: Pred[] = [];
      for (const q0 of p.ps) {
        const q = simplifyPred(q0);
        if (q.kind === 'const') {
          if (q.value === absorbing) return q;
          continue;
        }
        if (q.kind === p.kind) ps.push(...q.ps);
        else ps.push(q);
      }
      if (ps.length === 0) return { kind: 'const', value: !absorbing };
      if (ps.length === 1) return ps[0]!;
      return { kind: p.kind, ps };
    }
  }
}

/** A word test whose outcome does not depend on the word, as a constant; else the test, normalised. */
export function foldTest(t: WordTest): Pred {
  const k = t.k >>> 0;
  if (t.op === 'set') return k === 0 ? FALSE : { ...t, mask: 0xffff_ffff, k };
  const mask = t.mask >>> 0;
  // w = word & mask ranges over values ≤ mask (every submask of it occurs).
  switch (t.op) {
    case 'eq':
      if ((k & ~mask) >>> 0 !== 0) return FALSE;
      if (mask === 0) return TRUE; // k is 0 here
      break;
    case 'gt':
      if (k >= mask) return FALSE;
      break;
    case 'ge':
      if (k === 0) return TRUE;
      if (k > mask) return FALSE;
      break;
  }
  return { ...t, mask, k };
}
