import type { SyscallAction } from '../../ir/policy-ir.js';

/**
 * Classic BPF as seccomp takes it: the instruction format, opcode constants, seccomp_data
 * layout, SECCOMP_RET_* values, (de)serialisation and a one-line disassembler.
 *
 * Sources: include/uapi/linux/filter.h (struct sock_filter, BPF_MAXINSNS, BPF_MEMWORDS),
 * include/uapi/linux/bpf_common.h (opcode fields), include/uapi/linux/seccomp.h
 * (struct seccomp_data, SECCOMP_RET_*), include/uapi/linux/audit.h (AUDIT_ARCH_*),
 * arch/x86/include/uapi/asm/unistd.h (__X32_SYSCALL_BIT).
 */

/** One struct sock_filter: `{ __u16 code; __u8 jt; __u8 jf; __u32 k; }`. */
export interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// Instruction classes: code & 0x07.
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

// ld/ldx operand size: code & 0x18.
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;

// ld/ldx addressing mode: code & 0xe0.
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;

// alu operations: code & 0xf0.
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

// jmp operations: code & 0xf0.
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

// Operand source: code & 0x08 (K = the immediate, X = the index register).
export const BPF_K = 0x00;
export const BPF_X = 0x08;
// ret operand: code & 0x18 (K, X, or the accumulator A).
export const BPF_A = 0x10;

// misc operations: code & 0xf8.
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** Longest program the kernel takes (filter.h; seccomp_prepare_filter rejects len 0 and > this). */
export const BPF_MAXINSNS = 4096;
/** Scratch memory cells M[0..15] (filter.h). */
export const BPF_MEMWORDS = 16;

export const bpfClass = (code: number): number => code & 0x07;
export const bpfSize = (code: number): number => code & 0x18;
export const bpfMode = (code: number): number => code & 0xe0;
export const bpfOp = (code: number): number => code & 0xf0;
export const bpfSrc = (code: number): number => code & 0x08;
export const bpfRval = (code: number): number => code & 0x18;
export const bpfMiscOp = (code: number): number => code & 0xf8;

/** BPF_STMT: an instruction without jump offsets. */
export function stmt(code: number, k: number): Insn {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

/** BPF_JUMP: a conditional jump; jt/jf are forward offsets from the next instruction. */
export function jump(code: number, k: number, jt: number, jf: number): Insn {
  return { code, jt, jf, k: k >>> 0 };
}

// struct seccomp_data (seccomp.h): int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
// The kernel fills it in host byte order, so on x86_64 and aarch64 (both little-endian) the low
// 32 bits of a 64-bit field are at its offset and the high 32 bits at offset + 4.
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export const SECCOMP_DATA_ARGS = 16;
export const SECCOMP_DATA_SIZE = 64;
/** Offset of the low word of args[i] (little-endian). */
export const argLo = (i: number): number => SECCOMP_DATA_ARGS + 8 * i;
/** Offset of the high word of args[i] (little-endian). */
export const argHi = (i: number): number => SECCOMP_DATA_ARGS + 8 * i + 4;

// Filter return values (seccomp.h). The action is the high 16 bits, compared as a signed value
// when several filters are stacked (kernel/seccomp.c: seccomp_run_filters, ACTION_ONLY): lower
// is more restrictive, which is why KILL_PROCESS is 0x80000000 (negative).
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;

/** include/linux/err.h: errno values are 1..4095; the kernel caps ERRNO data to this. */
export const MAX_ERRNO = 4095;

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
/** x32 syscalls are issued through the x86_64 entry with this bit set in the number; seccomp sees arch X86_64. */
export const X32_SYSCALL_BIT = 0x40000000;

const ARCH_NAMES: ReadonlyMap<number, string> = new Map([
  [AUDIT_ARCH_X86_64, 'x86_64'],
  [AUDIT_ARCH_I386, 'i386'],
  [AUDIT_ARCH_AARCH64, 'aarch64'],
]);

/** The filter's 32-bit return value for an IR action. */
export function actionToRet(a: SyscallAction): number {
  switch (a.kind) {
    case 'allow':
      return SECCOMP_RET_ALLOW;
    case 'log':
      return SECCOMP_RET_LOG;
    case 'trap':
      return SECCOMP_RET_TRAP;
    case 'kill-thread':
      return SECCOMP_RET_KILL_THREAD;
    case 'kill-process':
      return SECCOMP_RET_KILL_PROCESS;
    case 'errno':
      // kernel/seccomp.c __seccomp_filter: "if (data > MAX_ERRNO) data = MAX_ERRNO", so an
      // errno above 4095 would silently become 4095; refuse it rather than emit a lie. 0 is
      // legal: the syscall is skipped and returns 0.
      if (!Number.isInteger(a.errno) || a.errno < 0 || a.errno > MAX_ERRNO) {
        throw new RangeError(`errno ${a.errno} is outside 0..${MAX_ERRNO}`);
      }
      return (SECCOMP_RET_ERRNO | a.errno) >>> 0;
  }
}

/**
 * What the kernel does with a filter's return value, as an IR action; null for the two
 * actions the IR has no word for (TRACE, USER_NOTIF). Mirrors the switch in kernel/seccomp.c
 * __seccomp_filter: the action is `ret & SECCOMP_RET_ACTION_FULL`; ERRNO data above MAX_ERRNO
 * is capped to MAX_ERRNO; TRAP's data only reaches the signal handler (si_errno), so it is
 * dropped here; any action value the kernel does not know falls to `default:` and kills the
 * process, exactly like KILL_PROCESS.
 */
export function retToAction(ret: number): SyscallAction | null {
  const r = ret >>> 0;
  const data = r & SECCOMP_RET_DATA;
  switch ((r & SECCOMP_RET_ACTION_FULL) >>> 0) {
    case SECCOMP_RET_ALLOW:
      return { kind: 'allow' };
    case SECCOMP_RET_LOG:
      return { kind: 'log' };
    case SECCOMP_RET_ERRNO:
      return { kind: 'errno', errno: Math.min(data, MAX_ERRNO) };
    case SECCOMP_RET_TRAP:
      return { kind: 'trap' };
    case SECCOMP_RET_KILL_THREAD:
      return { kind: 'kill-thread' };
    case SECCOMP_RET_TRACE:
    case SECCOMP_RET_USER_NOTIF:
      return null;
    default:
      return { kind: 'kill-process' };
  }
}

/** `ALLOW`, `ERRNO(1)`, `TRAP(5)`, `KILL_PROCESS`; an unknown action as hex. */
export function formatRet(ret: number): string {
  const r = ret >>> 0;
  const data = r & SECCOMP_RET_DATA;
  const withData = (name: string): string => (data === 0 ? name : `${name}(${data})`);
  switch ((r & SECCOMP_RET_ACTION_FULL) >>> 0) {
    case SECCOMP_RET_ALLOW:
      return withData('ALLOW');
    case SECCOMP_RET_LOG:
      return withData('LOG');
    case SECCOMP_RET_ERRNO:
      return `ERRNO(${data})`;
    case SECCOMP_RET_TRAP:
      return withData('TRAP');
    case SECCOMP_RET_TRACE:
      return `TRACE(${data})`;
    case SECCOMP_RET_USER_NOTIF:
      return withData('USER_NOTIF');
    case SECCOMP_RET_KILL_THREAD:
      return withData('KILL_THREAD');
    case SECCOMP_RET_KILL_PROCESS:
      return withData('KILL_PROCESS');
    default:
      return `#${hex(r)}`;
  }
}

const SOCK_FILTER_SIZE = 8;

function checkField(name: string, v: number, max: number, pc: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`instruction ${pc}: ${name} ${v} is outside 0..${max}`);
}

/**
 * The raw bytes SECCOMP_SET_MODE_FILTER and `bwrap --seccomp FD` take: struct sock_filter[]
 * (u16 code, u8 jt, u8 jf, u32 k; 8 bytes each), little-endian — the byte order of both
 * target architectures (x86_64, aarch64), independent of the host that compiles.
 */
export function encodeProgram(insns: readonly Insn[]): Uint8Array {
  const out = new Uint8Array(insns.length * SOCK_FILTER_SIZE);
  const view = new DataView(out.buffer);
  insns.forEach((insn, pc) => {
    checkField('code', insn.code, 0xffff, pc);
    checkField('jt', insn.jt, 0xff, pc);
    checkField('jf', insn.jf, 0xff, pc);
    checkField('k', insn.k, 0xffffffff, pc);
    const o = pc * SOCK_FILTER_SIZE;
    view.setUint16(o, insn.code, true);
    view.setUint8(o + 2, insn.jt);
    view.setUint8(o + 3, insn.jf);
    view.setUint32(o + 4, insn.k, true);
  });
  return out;
}

/** The inverse of encodeProgram. */
export function decodeProgram(bytes: Uint8Array): Insn[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    throw new RangeError(`a BPF program is a multiple of ${SOCK_FILTER_SIZE} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let o = 0; o < bytes.length; o += SOCK_FILTER_SIZE) {
    out.push({ code: view.getUint16(o, true), jt: view.getUint8(o + 2), jf: view.getUint8(o + 3), k: view.getUint32(o + 4, true) });
  }
  return out;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** Immediates: small numbers (syscall numbers, errnos, offsets) in decimal, masks and arches in hex. */
function imm(k: number): string {
  return k < 4096 ? String(k) : hex(k);
}

/** What a 32-bit load from seccomp_data at offset k reads. */
export function seccompDataField(k: number): string | null {
  if (k === SECCOMP_DATA_NR) return 'nr';
  if (k === SECCOMP_DATA_ARCH) return 'arch';
  if (k === SECCOMP_DATA_IP) return 'instruction_pointer (low)';
  if (k === SECCOMP_DATA_IP + 4) return 'instruction_pointer (high)';
  if (k >= SECCOMP_DATA_ARGS && k < SECCOMP_DATA_SIZE && k % 4 === 0) {
    const i = (k - SECCOMP_DATA_ARGS) >> 3;
    return `args[${i}] (${k % 8 === 0 ? 'low' : 'high'})`;
  }
  return null;
}

const ALU_NAMES: Record<number, string> = {
  [BPF_ADD]: 'add',
  [BPF_SUB]: 'sub',
  [BPF_MUL]: 'mul',
  [BPF_DIV]: 'div',
  [BPF_OR]: 'or',
  [BPF_AND]: 'and',
  [BPF_LSH]: 'lsh',
  [BPF_RSH]: 'rsh',
  [BPF_MOD]: 'mod',
  [BPF_XOR]: 'xor',
};

const JMP_NAMES: Record<number, string> = { [BPF_JEQ]: 'jeq', [BPF_JGT]: 'jgt', [BPF_JGE]: 'jge', [BPF_JSET]: 'jset' };

/**
 * One readable line per instruction, in the style of the kernel's tools/bpf/bpf_dbg.c
 * (`ld [4]`, `jeq #0xc000003e, 3, 0`, `ret ALLOW`). Jump offsets are printed as encoded
 * (relative to the next instruction) and the absolute targets follow in a comment
 * (`→ true, false`), which is why `pc` is needed. A comment is always introduced by two
 * spaces and `; `. Loads from seccomp_data name the field; comparisons with a known
 * AUDIT_ARCH name the architecture.
 */
export function formatInsn(insn: Insn, pc: number): string {
  const { code, jt, jf } = insn;
  const k = insn.k >>> 0;
  const cls = bpfClass(code);
  const note = (text: string, comment: string | null): string => (comment ? `${text}  ; ${comment}` : text);
  const unknown = `.insn ${hex(code)}, ${jt}, ${jf}, ${hex(k)}  ; not a seccomp instruction`;
  // Class, size/op, mode/src fields use all 8 low bits; anything above is not an opcode.
  if (code > 0xff) return unknown;
  switch (cls) {
    case BPF_LD:
    case BPF_LDX: {
      const op = cls === BPF_LD ? 'ld' : 'ldx';
      const mode = bpfMode(code);
      if (mode === BPF_IMM && bpfSize(code) === BPF_W) return `${op} #${imm(k)}`;
      if (mode === BPF_MEM && bpfSize(code) === BPF_W) return `${op} M[${k}]`;
      if (mode === BPF_LEN && bpfSize(code) === BPF_W) return note(`${op} #len`, 'sizeof(struct seccomp_data) = 64');
      if (mode === BPF_ABS && cls === BPF_LD) {
        const size = bpfSize(code) === BPF_W ? '' : bpfSize(code) === BPF_H ? 'h' : bpfSize(code) === BPF_B ? 'b' : null;
        if (size === null) return unknown;
        return note(`ld${size} [${k}]`, size === '' ? seccompDataField(k) : 'not allowed by seccomp');
      }
      return unknown;
    }
    case BPF_ST:
      return code === BPF_ST ? `st M[${k}]` : unknown;
    case BPF_STX:
      return code === BPF_STX ? `stx M[${k}]` : unknown;
    case BPF_ALU: {
      const op = bpfOp(code);
      if (op === BPF_NEG) return code === (BPF_ALU | BPF_NEG) ? 'neg' : unknown;
      const name = ALU_NAMES[op];
      if (!name) return unknown;
      return bpfSrc(code) === BPF_X ? `${name} x` : `${name} #${imm(k)}`;
    }
    case BPF_JMP: {
      const op = bpfOp(code);
      if (op === BPF_JA) return code === (BPF_JMP | BPF_JA) ? note(`ja ${k}`, `→ ${pc + 1 + k}`) : unknown;
      const name = JMP_NAMES[op];
      if (!name) return unknown;
      const operand = bpfSrc(code) === BPF_X ? 'x' : `#${imm(k)}`;
      const arch = bpfSrc(code) === BPF_K ? ARCH_NAMES.get(k) : undefined;
      return note(`${name} ${operand}, ${jt}, ${jf}`, `→ ${pc + 1 + jt}, ${pc + 1 + jf}${arch ? ` (${arch})` : ''}`);
    }
    case BPF_RET:
      if (code === (BPF_RET | BPF_K)) return `ret ${formatRet(k)}`;
      if (code === (BPF_RET | BPF_A)) return 'ret a';
      return unknown;
    case BPF_MISC:
      if (code === (BPF_MISC | BPF_TAX)) return 'tax';
      if (code === (BPF_MISC | BPF_TXA)) return 'txa';
      return unknown;
    default:
      return unknown;
  }
}
