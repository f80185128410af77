import { BPF_JA, BPF_JMP, type Insn } from './bpf.js';

/**
 * A tiny assembler for classic BPF with symbolic labels. Classic BPF jumps only forward, and
 * a conditional jump reaches at most 255 instructions (jt/jf are u8); `ja` takes a 32-bit
 * offset. `assemble` resolves labels and, where a conditional jump is too far, routes it
 * through a `ja` trampoline placed right after it (net/core/filter.c bpf_check_classic
 * rejects anything else).
 */

export type Label = number;

export interface AsmInsn {
  kind: 'insn';
  code: number;
  k: number;
  /** Conditional jump targets; both set, or neither. */
  jt?: Label;
  jf?: Label;
  /** Target of an unconditional `ja`. */
  ja?: Label;
  /** What the instruction is for (the listing's comment). */
  note: string;
}

export type AsmItem = AsmInsn | { kind: 'label'; id: Label };

export interface Assembled {
  insns: Insn[];
  notes: string[];
  /** Trampolines inserted for far jumps. */
  trampolines: number;
}

export function assemble(items: readonly AsmItem[], nextLabel: () => Label): Assembled {
  let list: AsmItem[] = [...items];
  let trampolines = 0;
  for (;;) {
    const pos = new Map<Label, number>();
    let pc = 0;
    for (const it of list) {
      if (it.kind === 'label') pos.set(it.id, pc);
      else pc++;
    }
    const at = (l: Label) => {
      const p = pos.get(l);
      if (p === undefined) throw new Error(`undefined label ${l}`);
      return p;
    };
    // Find the far conditional jumps of this layout; fix them all, then lay out again
    // (inserting only makes distances longer, so this reaches a fixpoint).
    const out: AsmItem[] = [];
    let fixed = 0;
    pc = 0;
    for (const it of list) {
      if (it.kind === 'label') {
        out.push(it);
        continue;
      }
      if (it.jt !== undefined && it.jf !== undefined) {
        const far = (l: Label) => at(l) - pc - 1 > 255;
        if (far(it.jt) || far(it.jf)) {
          const copy: AsmInsn = { ...it };
          const extra: AsmItem[] = [];
          for (const side of ['jt', 'jf'] as const) {
            const target = it[side]!;
            if (!far(target)) continue;
            const l = nextLabel();
            copy[side] = l;
            extra.push({ kind: 'label', id: l }, { kind: 'insn', code: BPF_JMP | BPF_JA, k: 0, ja: target, note: `trampoline (${it.note})` });
          }
          out.push(copy, ...extra);
          fixed += extra.length / 2;
          pc++;
          continue;
        }
      }
      out.push(it);
      pc++;
    }
    list = out;
    trampolines += fixed;
    if (fixed > 0) continue;

    const insns: Insn[] = [];
    const notes: string[] = [];
    pc = 0;
    for (const it of list) {
      if (it.kind === 'label') continue;
      let { k } = it;
      let jt = 0;
      let jf = 0;
      if (it.ja !== undefined) {
        k = at(it.ja) - pc - 1;
        if (k < 0) throw new Error('backward jump');
      } else if (it.jt !== undefined && it.jf !== undefined) {
        jt = at(it.jt) - pc - 1;
        jf = at(it.jf) - pc - 1;
        if (jt < 0 || jf < 0) throw new Error('backward jump');
      }
      insns.push({ code: it.code, jt, jf, k: k >>> 0 });
      notes.push(it.note);
      pc++;
    }
    return { insns, notes, trampolines };
  }
}
