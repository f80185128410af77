import { describe, expect, it } from 'vitest';
import {
  AUDIT_ARCH_X86_64,
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_B,
  BPF_DIV,
  BPF_H,
  BPF_IMM,
  BPF_IND,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MAXINSNS,
  BPF_MEM,
  BPF_MISC,
  BPF_MOD,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RET,
  BPF_RSH,
  BPF_ST,
  BPF_STX,
  BPF_SUB,
  BPF_TAX,
  BPF_TXA,
  BPF_W,
  BPF_X,
  BPF_XOR,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  argHi,
  argLo,
  jump,
  stmt,
  type Insn,
} from '../../../../compiler/5-emit/seccomp/bpf.js';
import { checkProgram, runFilter, seccompDataWords, type SeccompData } from '../../../../compiler/5-emit/seccomp/bpf-emulate.js';

const LD = (k: number) => stmt(BPF_LD | BPF_W | BPF_ABS, k);
const RET = (k: number) => stmt(BPF_RET | BPF_K, k);
const RET_A = stmt(BPF_RET | BPF_A, 0);
const IMM = (k: number) => stmt(BPF_LD | BPF_IMM, k);
const LDX_IMM = (k: number) => stmt(BPF_LDX | BPF_IMM, k);
const ALU = (op: number, k: number) => stmt(BPF_ALU | op | BPF_K, k);
const ALUX = (op: number) => stmt(BPF_ALU | op | BPF_X, 0);
const data = (over: Partial<SeccompData> = {}): SeccompData => ({ nr: 0, arch: AUDIT_ARCH_X86_64, ip: 0n, args: [], ...over });

/** A computed by `ops` on A = a0 (and X = x0), returned with ret a. */
function compute(a0: number, ops: Insn[], x0 = 0): number {
  return runFilter([LDX_IMM(x0), IMM(a0), ...ops, RET_A], data()).ret;
}

describe('runFilter: u32 arithmetic of the kernel translation', () => {
  it.each([
    ['add wraps', 0xffffffff, [ALU(BPF_ADD, 2)], 1],
    ['sub wraps', 1, [ALU(BPF_SUB, 2)], 0xffffffff],
    ['mul keeps the low 32 bits', 0x10001, [ALU(BPF_MUL, 0x10001)], 0x00020001],
    ['mul of large values', 0xffffffff, [ALU(BPF_MUL, 0xffffffff)], 1],
    ['div is unsigned', 0xfffffffe, [ALU(BPF_DIV, 2)], 0x7fffffff],
    ['and', 0xf0f0, [ALU(BPF_AND, 0xff00)], 0xf000],
    ['or', 0x80000000, [ALU(BPF_OR, 1)], 0x80000001],
    ['xor', 0xffffffff, [ALU(BPF_XOR, 0x0f0f0f0f)], 0xf0f0f0f0],
    ['lsh drops high bits', 0x80000001, [ALU(BPF_LSH, 1)], 2],
    ['rsh is logical', 0x80000000, [ALU(BPF_RSH, 31)], 1],
    ['neg', 1, [stmt(BPF_ALU | BPF_NEG, 0)], 0xffffffff],
    ['neg 0', 0, [stmt(BPF_ALU | BPF_NEG, 0)], 0],
  ] as const)('%s', (_name, a0, ops, want) => {
    expect(compute(a0, [...ops])).toBe(want);
  });

  it('takes X operands, shifts by X mod 32, and returns 0 on div by X = 0', () => {
    expect(compute(7, [ALUX(BPF_SUB)], 9)).toBe(0xfffffffe);
    expect(compute(3, [ALUX(BPF_LSH)], 33)).toBe(6);
    expect(compute(0x80, [ALUX(BPF_RSH)], 36)).toBe(8);
    expect(compute(3, [ALUX(BPF_LSH)], 32)).toBe(3);
    expect(runFilter([LDX_IMM(0), IMM(10), ALUX(BPF_DIV), RET(SECCOMP_RET_ALLOW)], data())).toEqual({ ret: 0, steps: 3 });
  });

  it('moves between A, X and scratch memory; ld #len is 64', () => {
    expect(compute(5, [stmt(BPF_MISC | BPF_TAX, 0), IMM(1), stmt(BPF_MISC | BPF_TXA, 0)])).toBe(5);
    expect(compute(5, [stmt(BPF_ST, 15), IMM(0), stmt(BPF_LD | BPF_MEM, 15)])).toBe(5);
    expect(compute(5, [stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_STX, 2), stmt(BPF_LDX | BPF_MEM, 2), stmt(BPF_MISC | BPF_TXA, 0)])).toBe(5);
    expect(compute(0, [stmt(BPF_LD | BPF_W | BPF_LEN, 0)])).toBe(64);
    expect(compute(0, [stmt(BPF_LDX | BPF_W | BPF_LEN, 0), stmt(BPF_MISC | BPF_TXA, 0)])).toBe(64);
  });
});

describe('runFilter: seccomp_data and jumps', () => {
  it('reads nr, arch, ip and both words of each argument (little-endian)', () => {
    const d = data({ nr: -1, arch: 0x40000003, ip: 0x1122334455667788n, args: [0x100000002n, -1n, 0n, 0n, 0n, 0xdeadbeef00000000n] });
    const w = seccompDataWords(d);
    expect([...w]).toEqual([0xffffffff, 0x40000003, 0x55667788, 0x11223344, 2, 1, 0xffffffff, 0xffffffff, 0, 0, 0, 0, 0, 0, 0, 0xdeadbeef]);
    for (const [k, want] of [[0, 0xffffffff], [argLo(0), 2], [argHi(0), 1], [argHi(5), 0xdeadbeef], [12, 0x11223344]] as const) {
      expect(runFilter([LD(k), RET_A], d).ret).toBe(want);
    }
  });

  it('compares unsigned, including K immediates with the top bit set', () => {
    const prog = (op: number, k: number) => [LD(argLo(0)), jump(BPF_JMP | op | BPF_K, k, 0, 1), RET(1), RET(2)];
    const run = (op: number, k: number, a: bigint) => runFilter(prog(op, k), data({ args: [a] })).ret;
    expect(run(BPF_JGT, 0x7fffffff, 0x80000000n)).toBe(1);
    expect(run(BPF_JGE, 0x80000000, 0x7fffffffn)).toBe(2);
    expect(run(BPF_JGE, 0x80000000, 0x80000000n)).toBe(1);
    expect(run(BPF_JEQ, 0xffffffff, 0xffffffffn)).toBe(1);
    expect(run(BPF_JSET, 0x80000000, 0x80000001n)).toBe(1);
    expect(run(BPF_JSET, 0x80000000, 0x7fffffffn)).toBe(2);
  });

  it('follows ja and counts executed instructions', () => {
    const prog = [stmt(BPF_JMP | BPF_JA, 2), RET(1), RET(2), LD(0), jump(BPF_JMP | BPF_JEQ | BPF_K, 39, 1, 0), RET(3), RET(SECCOMP_RET_ALLOW)];
    expect(runFilter(prog, data({ nr: 39 }))).toEqual({ ret: SECCOMP_RET_ALLOW, steps: 4 });
    expect(runFilter(prog, data({ nr: 40 }))).toEqual({ ret: 3, steps: 4 });
  });

  it('refuses what the kernel would not have loaded', () => {
    expect(() => runFilter([LD(2), RET_A], data())).toThrow(/offset 2/);
    expect(() => runFilter([stmt(BPF_ALU | BPF_MOD | BPF_K, 3), RET_A], data())).toThrow(/not accepted/);
    expect(() => runFilter([stmt(BPF_LD | BPF_MEM, 0), RET_A], data())).toThrow(/unwritten/);
    expect(() => runFilter([IMM(1)], data())).toThrow(/ran off the end/);
  });
});

describe('checkProgram mirrors bpf_check_classic + seccomp_check_filter', () => {
  const ok: [string, Insn[]][] = [
    ['a lone ret', [RET(SECCOMP_RET_ALLOW)]],
    ['ret a', [IMM(0), RET_A]],
    ['every aligned word of seccomp_data', [...Array.from({ length: 16 }, (_, i) => LD(4 * i)), RET_A]],
    ['jumps to the last instruction', [jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 1), RET(0), RET(1)]],
    ['ja to the last instruction', [stmt(BPF_JMP | BPF_JA, 1), RET(0), RET(1)]],
    ['a store then a load', [stmt(BPF_ST, 0), stmt(BPF_LD | BPF_MEM, 0), RET_A]],
    ['stores on both branches', [jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2), stmt(BPF_ST, 1), stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_ST, 1), stmt(BPF_LD | BPF_MEM, 1), RET_A]],
    ['shift by 31', [ALU(BPF_LSH, 31), RET_A]],
    ['div x (checked at run time)', [ALUX(BPF_DIV), RET_A]],
    ['ld/ldx #len', [stmt(BPF_LD | BPF_W | BPF_LEN, 0), stmt(BPF_LDX | BPF_W | BPF_LEN, 0), RET_A]],
    ['unreachable garbage is fine if it is a valid opcode', [RET(0), IMM(5), RET(1)]],
    [`${BPF_MAXINSNS} instructions`, [...Array.from({ length: BPF_MAXINSNS - 1 }, () => IMM(0)), RET(0)]],
  ];
  it.each(ok)('accepts %s', (_name, prog) => {
    expect(checkProgram(prog)).toEqual([]);
  });

  const bad: [string, Insn[], RegExp][] = [
    ['an empty program', [], /length 0/],
    ['too long', Array.from({ length: BPF_MAXINSNS + 1 }, () => RET(0)), /length 4097/],
    ['mod', [ALU(BPF_MOD, 3), RET_A], /classic BPF but not allowed for seccomp/],
    ['ld h [k]', [stmt(BPF_LD | BPF_H | BPF_ABS, 0), RET_A], /not allowed for seccomp/],
    ['ld b [k]', [stmt(BPF_LD | BPF_B | BPF_ABS, 0), RET_A], /not allowed for seccomp/],
    ['ld [x+k]', [stmt(BPF_LD | BPF_W | BPF_IND, 0), RET_A], /not allowed for seccomp/],
    ['ldx msh', [stmt(0xb1, 0), RET_A], /not allowed for seccomp/],
    ['ret x', [stmt(BPF_RET | BPF_X, 0)], /not a classic BPF instruction/],
    ['neg x', [stmt(BPF_ALU | BPF_NEG | BPF_X, 0), RET_A], /not a classic BPF instruction/],
    ['a 16-bit garbage opcode', [stmt(0x106, 0)], /not a classic BPF instruction/],
    ['ld [2]', [LD(2), RET_A], /aligned word/],
    ['ld [64]', [LD(64), RET_A], /aligned word/],
    ['an ancillary load', [LD(0xfffff000), RET_A], /aligned word/],
    ['div #0', [ALU(BPF_DIV, 0), RET_A], /division by the constant 0/],
    ['lsh #32', [ALU(BPF_LSH, 32), RET_A], /shift by 32/],
    ['rsh #40', [ALU(BPF_RSH, 40), RET_A], /shift by 40/],
    ['M[16]', [stmt(BPF_ST, 16), RET_A], /M\[16\]/],
    ['ja past the end', [stmt(BPF_JMP | BPF_JA, 1), RET(0)], /past the last/],
    ['jt past the end', [jump(BPF_JMP | BPF_JGT | BPF_K, 0, 2, 0), RET(0), RET(1)], /past the last/],
    ['jf past the end', [jump(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), RET(0)], /past the last/],
    ['no ret at the end', [RET(0), IMM(1)], /not a ret/],
    ['a load before any store', [stmt(BPF_LD | BPF_MEM, 0), RET_A], /M\[0\] may be read/],
    ['a store on one branch only', [jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), stmt(BPF_ST, 1), stmt(BPF_LDX | BPF_MEM, 1), RET_A], /M\[1\] may be read/],
    [
      // check_load_and_stores lets the set before a RET flow into the next instruction, so
      // this load, reached only by the ja with M[0] written, is refused all the same.
      'the RET fall-through quirk',
      [jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3), stmt(BPF_ST, 0), stmt(BPF_JMP | BPF_JA, 2), RET(3), RET(SECCOMP_RET_ALLOW), stmt(BPF_LD | BPF_MEM, 0), RET_A],
      /M\[0\] may be read/,
    ],
  ];
  it.each(bad)('refuses %s', (_name, prog, why) => {
    const errors = checkProgram(prog);
    expect(errors.join('\n')).toMatch(why);
  });

  it('lists every structural error, not only the first', () => {
    expect(checkProgram([LD(3), ALU(BPF_DIV, 0), stmt(BPF_ALU | BPF_MOD | BPF_X, 0), IMM(0)])).toHaveLength(4);
  });

  it('accepts ERRNO returns and every RET value: the kernel does not look at k', () => {
    expect(checkProgram([RET(SECCOMP_RET_ERRNO | 0xffff)])).toEqual([]);
    expect(checkProgram([RET(0x12345678)])).toEqual([]);
  });
});
