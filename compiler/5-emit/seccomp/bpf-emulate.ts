import {
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_DIV,
  BPF_IMM,
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
  BPF_MEMWORDS,
  BPF_MISC,
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
  SECCOMP_DATA_SIZE,
  bpfClass,
  type Insn,
} from './bpf.js';

/**
 * struct seccomp_data as the filter sees it. `nr` and `arch` are 32-bit (nr is an int in the
 * kernel; a negative number reads as its two's complement); `ip` and `args` are u64 (a negative
 * bigint is taken modulo 2^64). Missing args read as 0.
 */
export interface SeccompData {
  nr: number;
  arch: number;
  ip: bigint;
  args: readonly bigint[];
}

export interface FilterRun {
  /** The program's 32-bit return value (SECCOMP_RET_*). */
  ret: number;
  /** Classic instructions executed, the RET included. */
  steps: number;
}

const MASK64 = (1n << 64n) - 1n;

/**
 * The 16 little-endian 32-bit words of struct seccomp_data (what `ld [k]` reads at k = 4*i).
 * Exposed so that a caller running many programs on the same data converts the bigints once.
 */
export function seccompDataWords(data: SeccompData): Uint32Array {
  const w = new Uint32Array(SECCOMP_DATA_SIZE / 4);
  w[0] = data.nr >>> 0;
  w[1] = data.arch >>> 0;
  const put = (i: number, v: bigint): void => {
    const u = v & MASK64;
    w[i] = Number(u & 0xffffffffn);
    w[i + 1] = Number(u >> 32n);
  };
  put(2, data.ip);
  for (let a = 0; a < 6; a++) put(4 + 2 * a, data.args[a] ?? 0n);
  return w;
}

/** Runs a program over seccomp_data; see runFilterWords. */
export function runFilter(prog: readonly Insn[], data: SeccompData): FilterRun {
  return runFilterWords(prog, seccompDataWords(data));
}

/**
 * An interpreter of exactly the classic-BPF subset the kernel accepts for seccomp
 * (kernel/seccomp.c seccomp_check_filter after net/core/filter.c bpf_check_classic), with the
 * semantics of the kernel's translation to eBPF (net/core/filter.c bpf_convert_filter), which
 * is what actually runs:
 * - A and X start at 0 (the converter's prologue zeroes both);
 * - all arithmetic is on u32 and every comparison unsigned (negative K immediates are
 *   zero-extended into a temporary register before the 64-bit compare);
 * - `ld [k]` reads a 32-bit word of seccomp_data; `ld #len` / `ldx #len` give 64;
 * - `div x` with X = 0 ends the program with return value 0 (SECCOMP_RET_KILL_THREAD): "For
 *   cBPF programs, this was always return 0";
 * - `lsh x` / `rsh x` shift by X mod 32 (the eBPF ALU32 shift as the x86-64 and arm64 JITs and
 *   the interpreter execute it; checked against the kernel in the tests).
 * Throws on anything the kernel would not have loaded (see checkProgram), rather than guess.
 */
export function runFilterWords(prog: readonly Insn[], words: Uint32Array): FilterRun {
  let a = 0;
  let x = 0;
  const mem = new Uint32Array(BPF_MEMWORDS);
  let written = 0; // bit i: M[i] was stored (the kernel proves this statically; see checkProgram)
  let steps = 0;
  for (let pc = 0; ; pc++) {
    const insn = prog[pc];
    if (!insn) throw new Error(`ran off the end of the program at pc ${pc}`);
    steps++;
    const k = insn.k >>> 0;
    // Literal case labels (a const enum) let the engine dispatch through a jump table: this
    // loop is what the benchmarks time per syscall.
    switch (insn.code) {
      case Op.LD_ABS:
        if (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0) throw new Error(`pc ${pc}: load of seccomp_data offset ${k} (the kernel refuses to load this)`);
        a = words[k >> 2]!;
        break;
      case Op.LD_LEN:
        a = SECCOMP_DATA_SIZE;
        break;
      case Op.LDX_LEN:
        x = SECCOMP_DATA_SIZE;
        break;
      case Op.LD_IMM:
        a = k;
        break;
      case Op.LDX_IMM:
        x = k;
        break;
      case Op.LD_MEM:
      case Op.LDX_MEM:
        if (k >= BPF_MEMWORDS || !(written & (1 << k))) throw new Error(`pc ${pc}: load of unwritten scratch cell M[${k}]`);
        if (insn.code === Op.LD_MEM) a = mem[k]!;
        else x = mem[k]!;
        break;
      case Op.ST:
      case Op.STX:
        if (k >= BPF_MEMWORDS) throw new Error(`pc ${pc}: store to scratch cell M[${k}] (only ${BPF_MEMWORDS})`);
        mem[k] = insn.code === Op.ST ? a : x;
        written |= 1 << k;
        break;
      case Op.ADD_K:
        a = (a + k) >>> 0;
        break;
      case Op.ADD_X:
        a = (a + x) >>> 0;
        break;
      case Op.SUB_K:
        a = (a - k) >>> 0;
        break;
      case Op.SUB_X:
        a = (a - x) >>> 0;
        break;
      case Op.MUL_K:
        a = Math.imul(a, k) >>> 0;
        break;
      case Op.MUL_X:
        a = Math.imul(a, x) >>> 0;
        break;
      case Op.DIV_K:
        if (k === 0) throw new Error(`pc ${pc}: division by the constant 0 (the kernel refuses to load this)`);
        a = Math.floor(a / k) >>> 0;
        break;
      case Op.DIV_X:
        if (x === 0) return { ret: 0, steps };
        a = Math.floor(a / x) >>> 0;
        break;
      case Op.AND_K:
        a = (a & k) >>> 0;
        break;
      case Op.AND_X:
        a = (a & x) >>> 0;
        break;
      case Op.OR_K:
        a = (a | k) >>> 0;
        break;
      case Op.OR_X:
        a = (a | x) >>> 0;
        break;
      case Op.XOR_K:
        a = (a ^ k) >>> 0;
        break;
      case Op.XOR_X:
        a = (a ^ x) >>> 0;
        break;
      case Op.LSH_K:
        if (k >= 32) throw new Error(`pc ${pc}: shift by ${k} (the kernel refuses to load this)`);
        a = (a << k) >>> 0;
        break;
      case Op.LSH_X:
        a = (a << (x & 31)) >>> 0;
        break;
      case Op.RSH_K:
        if (k >= 32) throw new Error(`pc ${pc}: shift by ${k} (the kernel refuses to load this)`);
        a = a >>> k;
        break;
      case Op.RSH_X:
        a = a >>> (x & 31);
        break;
      case Op.NEG:
        a = -a >>> 0;
        break;
      case Op.JA:
        pc += k;
        break;
      case Op.JEQ_K:
        pc += a === k ? insn.jt : insn.jf;
        break;
      case Op.JEQ_X:
        pc += a === x ? insn.jt : insn.jf;
        break;
      case Op.JGT_K:
        pc += a > k ? insn.jt : insn.jf;
        break;
      case Op.JGT_X:
        pc += a > x ? insn.jt : insn.jf;
        break;
      case Op.JGE_K:
        pc += a >= k ? insn.jt : insn.jf;
        break;
      case Op.JGE_X:
        pc += a >= x ? insn.jt : insn.jf;
        break;
      case Op.JSET_K:
        pc += (a & k) !== 0 ? insn.jt : insn.jf;
        break;
      case Op.JSET_X:
        pc += (a & x) !== 0 ? insn.jt : insn.jf;
        break;
      case Op.RET_K:
        return { ret: k, steps };
      case Op.RET_A:
        return { ret: a, steps };
      case Op.TAX:
        x = a;
        break;
      case Op.TXA:
        a = x;
        break;
      default:
        throw bad(pc, insn.code);
    }
  }
}

/** The seccomp opcodes as literals (class | size/op | mode/src), for the interpreter's switch. */
const enum Op {
  LD_ABS = 0x20, // BPF_LD | BPF_W | BPF_ABS
  LD_LEN = 0x80, // BPF_LD | BPF_W | BPF_LEN
  LDX_LEN = 0x81, // BPF_LDX | BPF_W | BPF_LEN
  LD_IMM = 0x00, // BPF_LD | BPF_IMM
  LDX_IMM = 0x01, // BPF_LDX | BPF_IMM
  LD_MEM = 0x60, // BPF_LD | BPF_MEM
  LDX_MEM = 0x61, // BPF_LDX | BPF_MEM
  ST = 0x02,
  STX = 0x03,
  ADD_K = 0x04,
  ADD_X = 0x0c,
  SUB_K = 0x14,
  SUB_X = 0x1c,
  MUL_K = 0x24,
  MUL_X = 0x2c,
  DIV_K = 0x34,
  DIV_X = 0x3c,
  OR_K = 0x44,
  OR_X = 0x4c,
  AND_K = 0x54,
  AND_X = 0x5c,
  LSH_K = 0x64,
  LSH_X = 0x6c,
  RSH_K = 0x74,
  RSH_X = 0x7c,
  NEG = 0x84,
  XOR_K = 0xa4,
  XOR_X = 0xac,
  JA = 0x05,
  JEQ_K = 0x15,
  JEQ_X = 0x1d,
  JGT_K = 0x25,
  JGT_X = 0x2d,
  JGE_K = 0x35,
  JGE_X = 0x3d,
  JSET_K = 0x45,
  JSET_X = 0x4d,
  RET_K = 0x06,
  RET_A = 0x16,
  TAX = 0x07, // BPF_MISC | BPF_TAX
  TXA = 0x87, // BPF_MISC | BPF_TXA
}

function bad(pc: number, code: number): Error {
  return new Error(`pc ${pc}: opcode 0x${code.toString(16)} is not accepted for seccomp`);
}

/** seccomp_check_filter's explicit list: the only opcodes a seccomp program may contain. */
const SECCOMP_OPCODES: ReadonlySet<number> = new Set([
  BPF_LD | BPF_W | BPF_ABS,
  BPF_LD | BPF_W | BPF_LEN,
  BPF_LDX | BPF_W | BPF_LEN,
  BPF_RET | BPF_K,
  BPF_RET | BPF_A,
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH].flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_IMM,
  BPF_LDX | BPF_IMM,
  BPF_MISC | BPF_TAX,
  BPF_MISC | BPF_TXA,
  BPF_LD | BPF_MEM,
  BPF_LDX | BPF_MEM,
  BPF_ST,
  BPF_STX,
  BPF_JMP | BPF_JA,
  ...[BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

/**
 * Opcodes bpf_check_classic's chk_code_allowed takes for socket filters but seccomp refuses:
 * packet loads (ld h/b [k], indirect loads, ldx msh) and `mod`.
 */
const CLASSIC_ONLY: ReadonlySet<number> = new Set([0x28, 0x30, 0x40, 0x48, 0x50, 0xb1, BPF_ALU | 0x90 | BPF_K, BPF_ALU | 0x90 | BPF_X]);

const isCondJump = (code: number): boolean => bpfClass(code) === BPF_JMP && (code & 0xf0) !== BPF_JA && SECCOMP_OPCODES.has(code);

/**
 * Why the kernel would refuse this program for SECCOMP_SET_MODE_FILTER (EINVAL); empty if it
 * loads. Mirrors, in order, seccomp_prepare_filter (length 1..BPF_MAXINSNS),
 * net/core/filter.c bpf_check_classic (known opcode; no division or shift by a bad constant;
 * scratch index < BPF_MEMWORDS; `ja` target inside the program — checked as k < len - pc - 1;
 * both conditional targets inside; the LAST instruction — not the last reachable one — is a
 * RET; then check_load_and_stores), and kernel/seccomp.c seccomp_check_filter (the seccomp
 * opcode list; `ld [k]` 4-aligned and inside struct seccomp_data).
 *
 * check_load_and_stores is mirrored bug for bug: it is a single forward pass in which a jump
 * ANDs its "cells written" set into its targets' masks and resets the running set to all
 * cells, and nothing else (not even a RET) breaks the flow to the next instruction. So it
 * refuses `ld M[i]` only when some path the pass follows may reach it before `st M[i]`. The
 * kernel stops at the first error; here every structural error is listed, and the store/load
 * pass runs only when the structure is sound (it indexes by jump targets).
 */
export function checkProgram(prog: readonly Insn[]): string[] {
  const n = prog.length;
  if (n === 0 || n > BPF_MAXINSNS) return [`program length ${n} is outside 1..${BPF_MAXINSNS} (BPF_MAXINSNS)`];
  const errors: string[] = [];
  prog.forEach((insn, pc) => {
    const { code, jt, jf, k } = insn;
    for (const [name, v, max] of [['code', code, 0xffff], ['jt', jt, 0xff], ['jf', jf, 0xff], ['k', k, 0xffffffff]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > max) errors.push(`pc ${pc}: ${name} ${v} does not fit struct sock_filter`);
    }
    if (!SECCOMP_OPCODES.has(code)) {
      errors.push(
        CLASSIC_ONLY.has(code)
          ? `pc ${pc}: opcode 0x${code.toString(16)} is classic BPF but not allowed for seccomp (seccomp_check_filter)`
          : `pc ${pc}: opcode 0x${code.toString(16)} is not a classic BPF instruction (chk_code_allowed)`,
      );
      return;
    }
    switch (code) {
      case BPF_ALU | BPF_DIV | BPF_K:
        if (k === 0) errors.push(`pc ${pc}: division by the constant 0`);
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (k >= 32) errors.push(`pc ${pc}: shift by ${k} (must be < 32)`);
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) errors.push(`pc ${pc}: scratch cell M[${k}] does not exist (BPF_MEMWORDS = ${BPF_MEMWORDS})`);
        break;
      case BPF_JMP | BPF_JA:
        if (k >= n - pc - 1) errors.push(`pc ${pc}: ja ${k} jumps to ${pc + 1 + k}, past the last instruction ${n - 1}`);
        break;
      case BPF_LD | BPF_W | BPF_ABS:
        if (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0) errors.push(`pc ${pc}: ld [${k}] is not an aligned word of struct seccomp_data (0..60, step 4)`);
        break;
      default:
        if (isCondJump(code) && (pc + jt + 1 >= n || pc + jf + 1 >= n)) {
          errors.push(`pc ${pc}: conditional jump to ${pc + 1 + jt} / ${pc + 1 + jf}, past the last instruction ${n - 1}`);
        }
    }
  });
  const last = prog[n - 1]!.code;
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) errors.push(`the last instruction (pc ${n - 1}) is not a ret`);
  if (errors.length === 0) {
    const e = checkLoadsAndStores(prog);
    if (e) errors.push(e);
  }
  return errors;
}

/** net/core/filter.c check_load_and_stores, for a structurally valid program. */
function checkLoadsAndStores(prog: readonly Insn[]): string | null {
  const masks = new Uint16Array(prog.length).fill(0xffff);
  let valid = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    valid &= masks[pc]!;
    const { code, k, jt, jf } = prog[pc]!;
    if (code === BPF_ST || code === BPF_STX) valid = (valid | (1 << k)) & 0xffff;
    else if (code === (BPF_LD | BPF_MEM) || code === (BPF_LDX | BPF_MEM)) {
      if (!(valid & (1 << k))) return `pc ${pc}: scratch cell M[${k}] may be read before it is written`;
    } else if (code === (BPF_JMP | BPF_JA)) {
      masks[pc + 1 + k]! &= valid;
      valid = 0xffff;
    } else if (isCondJump(code)) {
      masks[pc + 1 + jt]! &= valid;
      masks[pc + 1 + jf]! &= valid;
      valid = 0xffff;
    }
  }
  return null;
}
