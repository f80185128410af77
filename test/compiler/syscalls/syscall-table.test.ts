import { describe, expect, it } from 'vitest';
import koffi from 'koffi';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ABIS,
  X32_SYSCALL_BIT,
  isKnownSyscall,
  knownSyscallNames,
  syscallArgs,
  syscallEntries,
  syscallEntryPoint,
  syscallName,
  syscallNumber,
  syscallSignature,
  type Abi,
} from '../../../compiler/syscalls/syscall-table.js';

const root = resolve(__dirname, '../../..');

describe('syscall numbers: known facts', () => {
  it.each([
    ['x86_64', 'read', 0],
    ['x86_64', 'openat', 257],
    ['x86_64', 'clone3', 435],
    ['x86_64', 'socket', 41],
    ['i386', 'socketcall', 102],
    ['i386', 'read', 3],
    ['i386', 'socket', 359],
    ['x32', 'read', X32_SYSCALL_BIT],
    ['x32', 'rt_sigaction', X32_SYSCALL_BIT | 512],
    ['x32', 'ioctl', X32_SYSCALL_BIT | 514],
    ['x32', 'pwritev2', X32_SYSCALL_BIT | 547],
    ['aarch64', 'openat', 56],
    ['aarch64', 'read', 63],
    ['aarch64', 'clone', 220],
  ] as const)('%s %s = %i', (abi, name, nr) => {
    expect(syscallNumber(abi, name)).toBe(nr);
    expect(syscallName(abi, nr)).toBe(name);
  });

  it('aarch64 has no open, no socketcall and no x86-only calls', () => {
    for (const name of ['open', 'stat', 'fork', 'socketcall', 'arch_prctl', 'iopl', 'uretprobe']) expect(syscallNumber('aarch64', name)).toBeUndefined();
    expect(syscallNumber('x86_64', 'socketcall')).toBeUndefined();
    expect(syscallNumber('i386', 'socketcall')).toBe(102);
  });

  it('every x32 number carries __X32_SYSCALL_BIT, and the x32-only range 512..547 is complete', () => {
    for (const [name, nr] of syscallEntries('x32')) expect(nr & X32_SYSCALL_BIT, name).toBe(X32_SYSCALL_BIT);
    for (let n = 512; n <= 547; n++) expect(syscallName('x32', X32_SYSCALL_BIT | n), String(n)).toBeDefined();
    // The x32 rt_sigaction is 512, not the x86_64 13: that number is not an x32 syscall.
    expect(syscallName('x32', X32_SYSCALL_BIT | 13)).toBeUndefined();
  });

  it('numbers above 450 follow the unified numbering, with its documented exceptions', () => {
    for (const abi of ABIS) {
      const bit = abi === 'x32' ? X32_SYSCALL_BIT : 0;
      expect(syscallNumber(abi, 'cachestat')).toBe(bit | 451);
      expect(syscallNumber(abi, 'fchmodat2')).toBe(bit | 452);
      expect(syscallNumber(abi, 'mseal')).toBe(bit | 462);
      expect(syscallNumber(abi, 'rseq_slice_yield')).toBe(bit | 471);
    }
    expect(syscallNumber('x86_64', 'map_shadow_stack')).toBe(453);
    expect(syscallNumber('i386', 'map_shadow_stack')).toBe(453);
    expect(syscallNumber('aarch64', 'map_shadow_stack')).toBe(453);
    expect(syscallNumber('x32', 'map_shadow_stack')).toBeUndefined();
    expect(syscallNumber('x86_64', 'uretprobe')).toBe(335);
    expect(syscallNumber('x32', 'uprobe')).toBe(X32_SYSCALL_BIT | 336);
    expect(syscallNumber('i386', 'uretprobe')).toBeUndefined();
  });

  it('the x86_64 table is exactly libseccomp\'s x86_64 column (the fixed copy in sources/)', () => {
    const json = JSON.parse(readFileSync(resolve(root, 'compiler/syscalls/sources/x86_64-syscalls.json'), 'utf8')) as { syscalls: Record<string, number> };
    expect(Object.fromEntries(syscallEntries('x86_64'))).toEqual(json.syscalls);
  });

  it('syscallEntries is sorted by number and agrees with syscallNumber / syscallName', () => {
    for (const abi of ABIS) {
      const entries = syscallEntries(abi);
      expect(entries.length).toBeGreaterThan(300);
      for (let i = 1; i < entries.length; i++) expect(entries[i]![1]).toBeGreaterThan(entries[i - 1]![1]);
      for (const [name, nr] of entries) {
        expect(syscallNumber(abi, name)).toBe(nr);
        expect(syscallName(abi, nr)).toBe(name);
      }
    }
  });

  it('knownSyscallNames is the sorted union of the four tables; lookups ignore Object.prototype', () => {
    const union = new Set(ABIS.flatMap((abi) => syscallEntries(abi).map(([n]) => n)));
    expect(knownSyscallNames()).toEqual([...union].sort());
    expect(isKnownSyscall('openat')).toBe(true);
    expect(isKnownSyscall('socketcall')).toBe(true);
    expect(isKnownSyscall('opnat')).toBe(false);
    for (const evil of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(isKnownSyscall(evil)).toBe(false);
      for (const abi of ABIS) {
        expect(syscallNumber(abi, evil)).toBeUndefined();
        expect(syscallArgs(evil, abi)).toBeUndefined();
      }
    }
  });
});

describe('syscall numbers: libseccomp 2.5 as an independent table', () => {
  // libseccomp's own tables (src/syscalls.csv), through seccomp_syscall_resolve_name_arch and
  // seccomp_syscall_resolve_num_arch. Its arch tokens: include/seccomp.h (SCMP_ARCH_*).
  const so = koffi.load('libseccomp.so.2');
  const byName = so.func('int seccomp_syscall_resolve_name_arch(uint32_t arch_token, const char *name)');
  const byNumber = so.func('char *seccomp_syscall_resolve_num_arch(uint32_t arch_token, int num)');
  const TOKEN: Record<Abi, number> = { x86_64: 0xc000003e, i386: 0x40000003, x32: 0x4000003e, aarch64: 0xc00000b7 };

  it.each(ABIS)('%s: every name libseccomp resolves has the same number here, and the reverse', (abi) => {
    let compared = 0;
    for (const [name, nr] of syscallEntries(abi)) {
      const theirs = byName(TOKEN[abi], name) as number;
      if (theirs < 0) continue; // unknown to libseccomp 2.5.4 (newer than it) or a pseudo-number
      expect(theirs, `${abi} ${name}`).toBe(nr);
      compared++;
    }
    expect(compared).toBeGreaterThan(abi === 'aarch64' ? 280 : 330);
    // The reverse: every number libseccomp names in the table's range is in the table, same name.
    const bit = abi === 'x32' ? X32_SYSCALL_BIT : 0;
    for (let n = 0; n < 560; n++) {
      const theirs = byNumber(TOKEN[abi], bit | n) as string | null;
      if (theirs === null) continue;
      expect(syscallName(abi, bit | n), `${abi} ${n} (${theirs})`).toBe(theirs);
    }
  });
});

describe('the running kernel agrees on x86_64 numbers', () => {
  // syscall(2) through libc; only calls without side effects.
  const libc = koffi.load('libc.so.6');
  const syscall0 = libc.func('long syscall(long number)');
  it('getpid, getppid, getuid and geteuid by number return what node reports', () => {
    expect(process.arch).toBe('x64');
    expect(Number(syscall0(syscallNumber('x86_64', 'getpid')!))).toBe(process.pid);
    expect(Number(syscall0(syscallNumber('x86_64', 'getppid')!))).toBe(process.ppid);
    expect(Number(syscall0(syscallNumber('x86_64', 'getuid')!))).toBe(process.getuid!());
    expect(Number(syscall0(syscallNumber('x86_64', 'geteuid')!))).toBe(process.geteuid!());
  });
});

describe('argument widths', () => {
  it('every entry of every table has an arity and six widths', () => {
    for (const abi of ABIS) {
      for (const [name] of syscallEntries(abi)) {
        const a = syscallArgs(name, abi);
        expect(a, `${abi} ${name}`).toBeDefined();
        expect(a!.widths).toHaveLength(6);
        expect(a!.count).toBeGreaterThanOrEqual(0);
        expect(a!.count).toBeLessThanOrEqual(6);
        for (const w of a!.widths) expect([32, 64]).toContain(w);
        for (let i = a!.count; i < 6; i++) expect(a!.widths[i]).toBe(abi === 'i386' ? 32 : 64);
        if (abi === 'i386') expect(a!.widths.every((w) => w === 32)).toBe(true);
      }
    }
  });

  it('socket(int, int, int): every argument is 32-bit on the 64-bit ABIs', () => {
    for (const abi of ['x86_64', 'x32', 'aarch64'] as const) {
      expect(syscallArgs('socket', abi)).toEqual({ count: 3, widths: [32, 32, 32, 64, 64, 64] });
    }
  });

  it('mmap takes six unsigned longs on x86_64 and aarch64, one pointer on i386 (old_mmap), six on mmap2', () => {
    expect(syscallArgs('mmap', 'x86_64')).toEqual({ count: 6, widths: [64, 64, 64, 64, 64, 64] });
    expect(syscallArgs('mmap', 'aarch64')).toEqual({ count: 6, widths: [64, 64, 64, 64, 64, 64] });
    expect(syscallArgs('mmap', 'i386')!.count).toBe(1);
    expect(syscallArgs('mmap2', 'i386')!.count).toBe(6);
    expect(syscallEntryPoint('i386', 'mmap')).toBe('sys_old_mmap');
  });

  it('clone: the flags are an unsigned long (64-bit) on x86_64 and aarch64; aarch64 uses the CLONE_BACKWARDS order', () => {
    expect(syscallArgs('clone', 'x86_64')!.widths[0]).toBe(64);
    expect(syscallArgs('clone', 'aarch64')!.widths[0]).toBe(64);
    expect(syscallSignature('x86_64', 'clone')).toBe('unsigned long, unsigned long, int *, int *, unsigned long');
    expect(syscallSignature('aarch64', 'clone')).toBe('unsigned long, unsigned long, int *, unsigned long, int *');
  });

  it('ioctl(unsigned int fd, unsigned int cmd, unsigned long arg); x32 ioctl is the compat entry with a 32-bit arg', () => {
    expect(syscallArgs('ioctl', 'x86_64')!.widths.slice(0, 3)).toEqual([32, 32, 64]);
    expect(syscallArgs('ioctl', 'aarch64')!.widths.slice(0, 3)).toEqual([32, 32, 64]);
    expect(syscallEntryPoint('x32', 'ioctl')).toBe('compat_sys_ioctl');
    expect(syscallArgs('ioctl', 'x32')!.widths.slice(0, 3)).toEqual([32, 32, 32]);
  });

  it('personality(unsigned int), prctl(int, unsigned long x4), kill(pid_t, int), openat(int, const char *, int, umode_t)', () => {
    expect(syscallArgs('personality', 'x86_64')).toEqual({ count: 1, widths: [32, 64, 64, 64, 64, 64] });
    expect(syscallArgs('prctl', 'x86_64')!.widths.slice(0, 5)).toEqual([32, 64, 64, 64, 64]);
    expect(syscallArgs('kill', 'aarch64')!.widths.slice(0, 2)).toEqual([32, 32]);
    expect(syscallArgs('openat', 'x86_64')!.widths.slice(0, 4)).toEqual([32, 64, 32, 32]);
  });

  it('i386 passes 64-bit values as two 32-bit arguments', () => {
    expect(syscallArgs('pread64', 'x86_64')!.count).toBe(4);
    expect(syscallArgs('pread64', 'i386')!.count).toBe(5);
    expect(syscallArgs('fanotify_mark', 'x86_64')!.count).toBe(5);
    expect(syscallArgs('fanotify_mark', 'i386')!.count).toBe(6);
    expect(syscallArgs('fallocate', 'i386')!.count).toBe(6);
  });

  it('syscalls newer than 6.1 and x86-only ones come from the cited override table', () => {
    expect(syscallArgs('futex_wait', 'x86_64')).toEqual({ count: 6, widths: [64, 64, 64, 32, 64, 32] });
    expect(syscallArgs('fchmodat2', 'aarch64')!.widths.slice(0, 4)).toEqual([32, 64, 32, 32]);
    expect(syscallArgs('arch_prctl', 'x86_64')!.widths.slice(0, 2)).toEqual([32, 64]);
    expect(syscallArgs('rseq_slice_yield', 'x86_64')!.count).toBe(0);
  });

  it('reserved, unimplemented numbers are marked sys_ni_syscall with no arguments', () => {
    expect(syscallEntryPoint('x86_64', '_sysctl')).toBe('sys_ni_syscall');
    expect(syscallArgs('tuxcall', 'x86_64')!.count).toBe(0);
    expect(syscallEntryPoint('x86_64', 'read')).toBe('sys_read');
  });
});
