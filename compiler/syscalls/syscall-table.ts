import { PROTOTYPES, SYSCALLS, type SyscallRow } from './syscall-data.js';

/**
 * The syscall tables of the four ABIs a filter must decide for, over the data that
 * scripts/gen-syscalls.mjs generates from the kernel's UAPI headers and prototypes
 * (compiler/syscalls/sources/SOURCES.md says where each fact comes from).
 *
 * An x86_64 kernel runs three ABIs, told apart by seccomp_data.arch (AUDIT_ARCH_X86_64 for x86_64
 * and x32, AUDIT_ARCH_I386 for i386) and by bit 30 of seccomp_data.nr for x32
 * (arch/x86/include/uapi/asm/unistd.h: __X32_SYSCALL_BIT). aarch64 is the fourth.
 */
export type Abi = 'x86_64' | 'i386' | 'x32' | 'aarch64';

export const ABIS: readonly Abi[] = Object.freeze(['x86_64', 'i386', 'x32', 'aarch64'] as const);

/** Set in every x32 syscall number as the kernel sees it in seccomp_data.nr. */
export const X32_SYSCALL_BIT = 0x40000000;

/** A syscall's arguments: `widths` always has six entries; those past `count` are 64. */
export interface SyscallArgs {
  readonly count: number;
  readonly widths: readonly (32 | 64)[];
}

interface AbiIndex {
  readonly byName: ReadonlyMap<string, SyscallRow>;
  readonly byNumber: ReadonlyMap<number, string>;
  readonly entries: readonly (readonly [name: string, nr: number])[];
  readonly args: ReadonlyMap<string, SyscallArgs>;
}

function buildIndex(abi: Abi): AbiIndex {
  const byName = new Map<string, SyscallRow>();
  const byNumber = new Map<number, string>();
  const args = new Map<string, SyscallArgs>();
  for (const [name, row] of Object.entries(SYSCALLS[abi])) {
    byName.set(name, row);
    byNumber.set(row[0], name);
    const widths: (32 | 64)[] = [...row[2]];
    // Past the arity nothing is truncated, so a condition there compares all 64 bits. On i386
    // every register is 32 bits wide, so there is no upper word to compare at all.
    while (widths.length < 6) widths.push(abi === 'i386' ? 32 : 64);
    args.set(name, Object.freeze({ count: row[2].length, widths: Object.freeze(widths) }));
  }
  const entries = [...byName].map(([name, row]) => Object.freeze([name, row[0]] as const)).sort((a, b) => a[1] - b[1]);
  return { byName, byNumber, entries: Object.freeze(entries), args };
}

const INDEX: Readonly<Record<Abi, AbiIndex>> = {
  x86_64: buildIndex('x86_64'),
  i386: buildIndex('i386'),
  x32: buildIndex('x32'),
  aarch64: buildIndex('aarch64'),
};

const KNOWN: readonly string[] = Object.freeze([...new Set(ABIS.flatMap((abi) => [...INDEX[abi].byName.keys()]))].sort());
const KNOWN_SET: ReadonlySet<string> = new Set(KNOWN);

/** The number of `name` on `abi` (x32 numbers include X32_SYSCALL_BIT), or undefined. */
export function syscallNumber(abi: Abi, name: string): number | undefined {
  return INDEX[abi].byName.get(name)?.[0];
}

/** The name of syscall number `nr` on `abi`, or undefined. */
export function syscallName(abi: Abi, nr: number): string | undefined {
  return INDEX[abi].byNumber.get(nr);
}

/** Every syscall of `abi` as [name, number], by number. */
export function syscallEntries(abi: Abi): readonly (readonly [name: string, nr: number])[] {
  return INDEX[abi].entries;
}

/** Whether some ABI has a syscall called `name`. */
export function isKnownSyscall(name: string): boolean {
  return KNOWN_SET.has(name);
}

/** The names of all ABIs together, sorted (for did-you-mean). */
export function knownSyscallNames(): readonly string[] {
  return KNOWN;
}

/**
 * How many arguments `name` takes on `abi` and how wide the kernel reads each: an argument
 * declared int/unsigned int/pid_t/... is truncated to its low 32 bits by the syscall entry
 * (include/linux/syscalls.h: __SC_CAST), so a filter must compare only that word; a deny
 * rule comparing all 64 bits would be bypassed by garbage in the upper word.
 */
export function syscallArgs(name: string, abi: Abi): SyscallArgs | undefined {
  return INDEX[abi].args.get(name);
}

/** The kernel function that implements `name` on `abi` (sys_ni_syscall: reserved, always ENOSYS). */
export function syscallEntryPoint(abi: Abi, name: string): string | undefined {
  const entry = INDEX[abi].byName.get(name)?.[1];
  return entry?.split('@')[0];
}

/** The C parameter list of `name` on `abi`, as the kernel declares it (for explanations). */
export function syscallSignature(abi: Abi, name: string): string | undefined {
  const entry = INDEX[abi].byName.get(name)?.[1];
  return entry === undefined ? undefined : PROTOTYPES[entry];
}
