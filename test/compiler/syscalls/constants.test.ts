import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constantNames, constantValue } from '../../../compiler/syscalls/constants.js';
import { ABIS } from '../../../compiler/syscalls/syscall-table.js';

describe('named constants: known facts', () => {
  it('AF_VSOCK is 40 and AF_UNIX 1 on every ABI', () => {
    for (const abi of ABIS) {
      expect(constantValue(abi, 'AF_VSOCK')).toBe(40n);
      expect(constantValue(abi, 'AF_UNIX')).toBe(1n);
      expect(constantValue(abi, 'AF_INET6')).toBe(10n);
    }
  });

  it('O_DIRECTORY and O_NOFOLLOW differ between x86 and aarch64 (asm/fcntl.h)', () => {
    for (const abi of ['x86_64', 'i386', 'x32'] as const) {
      expect(constantValue(abi, 'O_DIRECTORY')).toBe(0o200000n);
      expect(constantValue(abi, 'O_NOFOLLOW')).toBe(0o400000n);
    }
    expect(constantValue('aarch64', 'O_DIRECTORY')).toBe(0o40000n);
    expect(constantValue('aarch64', 'O_NOFOLLOW')).toBe(0o100000n);
  });

  it('negative constants are stored as their 32-bit two\'s complement', () => {
    for (const abi of ABIS) expect(constantValue(abi, 'AT_FDCWD')).toBe(0xffffff9cn);
  });

  it('clone flags above bit 31 keep their 64-bit value', () => {
    expect(constantValue('x86_64', 'CLONE_NEWUSER')).toBe(0x10000000n);
    expect(constantValue('x86_64', 'CLONE_CLEAR_SIGHAND')).toBe(0x100000000n);
    expect(constantValue('aarch64', 'CLONE_INTO_CGROUP')).toBe(0x200000000n);
  });

  it('tty ioctls, personality flags and the rest of the families the policy language documents', () => {
    for (const abi of ABIS) {
      expect(constantValue(abi, 'TIOCSTI')).toBe(0x5412n);
      expect(constantValue(abi, 'TIOCLINUX')).toBe(0x541cn);
      expect(constantValue(abi, 'TCGETS')).toBe(0x5401n);
      expect(constantValue(abi, 'FIONREAD')).toBe(0x541bn);
      expect(constantValue(abi, 'PER_LINUX')).toBe(0n);
      expect(constantValue(abi, 'PER_LINUX32')).toBe(8n);
      expect(constantValue(abi, 'ADDR_NO_RANDOMIZE')).toBe(0x40000n);
      expect(constantValue(abi, 'UNAME26')).toBe(0x20000n);
      expect(constantValue(abi, 'READ_IMPLIES_EXEC')).toBe(0x400000n);
    }
    const families = ['AF_', 'SOCK_', 'O_', 'AT_', 'F_', 'CLONE_', 'PROT_', 'MAP_', 'MADV_', 'TIOC', 'TC', 'FIO', 'PR_', 'PER_',
      'IPPROTO_', 'MSG_', 'SIG', 'FUTEX_', 'S_IF', 'GRND_', 'MFD_', 'EFD_', 'KEYCTL_', 'SECCOMP_', 'IORING_'];
    for (const abi of ABIS) {
      const names = constantNames(abi);
      for (const f of families) expect(names.some((n) => n.startsWith(f)), `${abi} ${f}*`).toBe(true);
    }
  });

  it('SOCK_NONBLOCK is O_NONBLOCK and SOCK_CLOEXEC is O_CLOEXEC on each ABI', () => {
    for (const abi of ABIS) {
      expect(constantValue(abi, 'SOCK_NONBLOCK')).toBe(constantValue(abi, 'O_NONBLOCK'));
      expect(constantValue(abi, 'SOCK_CLOEXEC')).toBe(constantValue(abi, 'O_CLOEXEC'));
    }
  });

  it('constantNames is sorted, and every listed name has a value; unknown names and Object.prototype have none', () => {
    for (const abi of ABIS) {
      const names = constantNames(abi);
      expect(names.length).toBeGreaterThan(1000);
      expect([...names].sort()).toEqual(names);
      for (const n of names) expect(typeof constantValue(abi, n), n).toBe('bigint');
      for (const evil of ['__proto__', 'constructor', 'toString', 'AF_NOPE']) expect(constantValue(abi, evil)).toBeUndefined();
    }
    // An ABI-specific constant exists only there.
    expect(constantValue('x86_64', 'MAP_32BIT')).toBe(0x40n);
    expect(constantValue('aarch64', 'MAP_32BIT')).toBeUndefined();
    expect(constantValue('aarch64', 'PROT_BTI')).toBe(0x10n);
  });
});

describe('named constants: CPython\'s modules as an independent x86_64 oracle', () => {
  // CPython exposes the host's constants (os, socket, fcntl, termios, signal, mmap, resource,
  // select, time), compiled into the interpreter when it was built: another toolchain, another
  // build, the same ABI. Every name both sides know must agree.
  const script = `
import os, socket, fcntl, termios, signal, mmap, resource, select, time, json
out = {}
for mod in (os, socket, fcntl, termios, signal, mmap, resource, select, time):
    for k in dir(mod):
        v = getattr(mod, k)
        if k.upper() == k and isinstance(v, int) and not isinstance(v, bool):
            out.setdefault(k, int(v))
print(json.dumps(out))
`;
  // glibc and the kernel disagree on these; Sandforge keeps the kernel's value (what the syscall
  // sees: O_LARGEFILE is 0 in 64-bit glibc), and SIGRTMIN/SIGRTMAX are glibc run-time values
  // (the C library reserves the first real-time signals for itself).
  const KNOWN_DIFFERENT = new Set(['O_LARGEFILE', 'SIGRTMIN', 'SIGRTMAX']);

  it('agrees on every constant both define', () => {
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const theirs = JSON.parse(r.stdout) as Record<string, number>;
    let compared = 0;
    const families = new Set<string>();
    for (const [name, v] of Object.entries(theirs)) {
      const ours = constantValue('x86_64', name);
      if (ours === undefined || KNOWN_DIFFERENT.has(name)) continue;
      const expected = v < 0 ? BigInt.asUintN(32, BigInt(v)) : BigInt(v);
      expect(ours, name).toBe(expected);
      compared++;
      families.add(name.replace(/_.*$/, '_'));
    }
    expect(compared).toBeGreaterThan(350);
    for (const f of ['AF_', 'SOCK_', 'O_', 'F_', 'MAP_', 'PROT_', 'MADV_', 'MSG_', 'IPPROTO_', 'RLIMIT_', 'EPOLLIN', 'TIOCSTI']) {
      expect([...families].some((x) => f.startsWith(x) || x.startsWith(f)), f).toBe(true);
    }
  });
});

describe('named constants: the values a running i386 and x86_64 program prints', () => {
  // The generator reads values from the assembly gcc emits; this compiles a program that prints
  // them at run time instead, for i386 (int 0x80 works on this kernel, and libc6-i386 runs it)
  // and x86_64. Includes ioctl numbers built with sizeof (_IOR) and negative constants.
  const NAMES = [
    'AF_VSOCK', 'AF_NETLINK', 'SOCK_NONBLOCK', 'SOCK_CLOEXEC', 'SOCK_SEQPACKET', 'O_DIRECTORY', 'O_NOFOLLOW', 'O_CLOEXEC',
    'O_TMPFILE', 'O_PATH', 'AT_FDCWD', 'AT_EMPTY_PATH', 'AT_REMOVEDIR', 'TIOCSTI', 'TIOCLINUX', 'TCGETS', 'FIONREAD',
    'TIOCGPTN', 'TIOCSPTLCK', 'TIOCGWINSZ', 'CLONE_NEWUSER', 'CLONE_NEWNS', 'CLONE_THREAD', 'MAP_ANONYMOUS', 'MAP_FIXED_NOREPLACE',
    'PROT_EXEC', 'MADV_DONTNEED', 'PR_SET_NO_NEW_PRIVS', 'PR_SET_SECCOMP', 'F_SETFL', 'F_GETLK64', 'F_SETPIPE_SZ', 'EFD_CLOEXEC',
    'MFD_CLOEXEC', 'MFD_ALLOW_SEALING', 'GRND_RANDOM', 'S_IFDIR', 'S_ISUID', 'SIGKILL', 'SIGSYS', 'MSG_DONTWAIT', 'MSG_ZEROCOPY',
    'IPPROTO_TCP', 'IPPROTO_MPTCP', 'PER_LINUX32', 'ADDR_NO_RANDOMIZE', 'READ_IMPLIES_EXEC', 'KEYCTL_JOIN_SESSION_KEYRING',
    'KEY_SPEC_SESSION_KEYRING', 'SECCOMP_RET_KILL_PROCESS', 'SECCOMP_FILTER_FLAG_TSYNC', 'FUTEX_WAIT_PRIVATE', 'FUTEX_CMD_MASK',
  ];
  const source = `#define _GNU_SOURCE 1
#include <stdio.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/personality.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/eventfd.h>
#include <linux/futex.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <linux/memfd.h>
int main(void) {
${NAMES.map((n) => `  printf("${n} %d %llu\\n", (${n}) < 0, (unsigned long long)(${n}));`).join('\n')}
  return 0;
}
`;

  it.each([
    ['x86_64', ['-m64']],
    ['i386', ['-m32', '-idirafter', '/usr/include/x86_64-linux-gnu']],
  ] as const)('%s', (abi, flags) => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-constants-'));
    try {
      writeFileSync(join(dir, 'c.c'), source);
      const cc = spawnSync('gcc', [...flags, '-o', join(dir, 'c'), join(dir, 'c.c')], { encoding: 'utf8' });
      expect(cc.stderr).toBe('');
      const run = spawnSync(join(dir, 'c'), [], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(NAMES.length);
      for (const line of lines) {
        const [name, negative, value] = line.split(' ') as [string, string, string];
        const v = BigInt(value);
        expect(constantValue(abi, name), name).toBe(negative === '1' ? BigInt.asUintN(32, v) : v);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
