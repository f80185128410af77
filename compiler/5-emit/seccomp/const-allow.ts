import {
  AUDIT_ARCH_X86_64,
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_RET,
  BPF_W,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_NR,
  SECCOMP_RET_ALLOW,
  type Insn,
} from './bpf.js';

/**
 * Would the kernel's seccomp action cache (Linux 5.11 and later) mark syscall `nr` of `arch`
 * as always allowed by this program, so that the filter is never even run for it?
 *
 * An exact re-implementation of kernel/seccomp.c seccomp_is_const_allow (since Linux 6.14 the
 * filter part is the body of that function after the passthrough check below), which
 * seccomp_cache_prepare_bitmap calls for every number below the arch's syscall count when a
 * filter is attached. It walks the ORIGINAL program (orig_prog: before seccomp_check_filter
 * rewrites `ld [k]` and `ld #len`) with a single register and only nr and arch known:
 * - `ld [0]` / `ld [4]` load nr / arch; a load of any other offset (an argument, the
 *   instruction pointer) means "not constant";
 * - `jeq`/`jge`/`jgt`/`jset` with a K operand take their branch; `ja` jumps;
 * - `and #k` masks the register;
 * - `ret #k` ends the walk: constant-allow exactly when k == SECCOMP_RET_ALLOW (0x7fff0000, so
 *   ALLOW with non-zero data, LOG, ERRNO... are all "not constant");
 * - ANY other instruction (an X operand, other ALU ops, `ld #imm`, `ld #len`, scratch memory,
 *   `ret a`) means "not constant", even where the result would in fact be fixed;
 * - running off the end is "not constant" (WARN_ON in the kernel; a loaded program cannot).
 * The register starts at 0, so a program that jumps on it before any load is analysed with 0.
 *
 * Not modelled here (see isKernelPassthrough): the kernel's wrapper short-circuits a few
 * syscalls to "allowed" before looking at the program at all.
 */
export function isConstAllow(prog: readonly Insn[], arch: number, nr: number): boolean {
  let reg = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const insn = prog[pc]!;
    const k = insn.k >>> 0;
    switch (insn.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (k === SECCOMP_DATA_NR) reg = nr >>> 0;
        else if (k === SECCOMP_DATA_ARCH) reg = arch >>> 0;
        else return false;
        break;
      case BPF_RET | BPF_K:
        return k === SECCOMP_RET_ALLOW;
      case BPF_JMP | BPF_JA:
        pc += k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
      case BPF_JMP | BPF_JGE | BPF_K:
      case BPF_JMP | BPF_JGT | BPF_K:
      case BPF_JMP | BPF_JSET | BPF_K: {
        const op = insn.code & 0xf0;
        const taken = op === BPF_JEQ ? reg === k : op === BPF_JGE ? reg >= k : op === BPF_JGT ? reg > k : (reg & k) !== 0;
        pc += taken ? insn.jt : insn.jf;
        break;
      }
      case BPF_ALU | BPF_AND | BPF_K:
        reg = (reg & k) >>> 0;
        break;
      default:
        return false;
    }
  }
  return false;
}

/** The numbers among `nrs` that isConstAllow marks always-allowed for `arch`. */
export function constAllowSet(prog: readonly Insn[], arch: number, nrs: Iterable<number>): Set<number> {
  const out = new Set<number>();
  for (const nr of nrs) if (isConstAllow(prog, arch, nr)) out.add(nr);
  return out;
}

/**
 * x86_64 syscalls the kernel lets through WITHOUT running any seccomp filter: the action
 * cache bitmap marks them allowed for the native arch whatever the program says
 * (kernel/seccomp.c seccomp_uprobe_exception, called first by seccomp_is_const_allow, and the
 * same list in mode1_syscalls). uretprobe since Linux 6.14 ("seccomp: passthrough uretprobe
 * systemcall without filtering", also in stable kernels), uprobe since Linux 6.18. Both are
 * trampolines the kernel itself plants for uprobes; called from anywhere else they raise
 * SIGILL. A policy therefore cannot deny them on such kernels, and the probe harness never
 * issues them. Not in the i386 table (there 335 is rt_tgsigqueueinfo) nor for x32.
 */
export const KERNEL_PASSTHROUGH_X86_64: ReadonlyMap<number, string> = new Map([
  [335, 'uretprobe'],
  [336, 'uprobe'],
]);

/** Whether a recent kernel skips filtering for this (arch, nr) altogether; see KERNEL_PASSTHROUGH_X86_64. */
export function isKernelPassthrough(arch: number, nr: number): boolean {
  return arch >>> 0 === AUDIT_ARCH_X86_64 && KERNEL_PASSTHROUGH_X86_64.has(nr >>> 0);
}
