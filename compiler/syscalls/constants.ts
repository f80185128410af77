import { ABI_CONSTANTS, COMMON_CONSTANTS } from './constants-data.js';
import { ABIS, type Abi } from './syscall-table.js';

/**
 * Named constants a syscall condition may use (`args[0] in [AF_UNIX, AF_INET]`), per ABI:
 * values differ between architectures (O_DIRECTORY is 0x10000 on x86 and 0x4000 on aarch64),
 * so a name is resolved for the ABI whose filter is being built.
 *
 * Values are unsigned. A negative C constant (AT_FDCWD = -100) is its 32-bit two's complement
 * (0xffffff9c): such constants are only passed in int arguments, which the kernel truncates to
 * 32 bits (see compiler/syscalls/constants-data.ts for the list).
 */

function buildTable(abi: Abi): ReadonlyMap<string, bigint> {
  const column = ABIS.indexOf(abi);
  const m = new Map<string, bigint>(Object.entries(COMMON_CONSTANTS));
  for (const [name, values] of Object.entries(ABI_CONSTANTS)) {
    const v = values[column];
    if (v !== null && v !== undefined) m.set(name, v);
  }
  return m;
}

const TABLES: Readonly<Record<Abi, ReadonlyMap<string, bigint>>> = {
  x86_64: buildTable('x86_64'),
  i386: buildTable('i386'),
  x32: buildTable('x32'),
  aarch64: buildTable('aarch64'),
};

const NAMES: Readonly<Record<Abi, readonly string[]>> = {
  x86_64: Object.freeze([...TABLES.x86_64.keys()].sort()),
  i386: Object.freeze([...TABLES.i386.keys()].sort()),
  x32: Object.freeze([...TABLES.x32.keys()].sort()),
  aarch64: Object.freeze([...TABLES.aarch64.keys()].sort()),
};

/** The value of constant `name` on `abi`, or undefined when the ABI does not define it. */
export function constantValue(abi: Abi, name: string): bigint | undefined {
  return TABLES[abi].get(name);
}

/** The constants `abi` defines, sorted. */
export function constantNames(abi: Abi): readonly string[] {
  return NAMES[abi];
}
