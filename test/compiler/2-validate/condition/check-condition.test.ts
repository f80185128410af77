import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../../compiler/2-validate/condition/parse-condition.js';
import { checkCondition, type ConditionContext } from '../../../../compiler/2-validate/condition/check-condition.js';

// Small fakes of the syscall and constants tables (the real ones live in compiler/syscalls/).
const CONSTANTS: Record<string, Record<string, bigint>> = {
  x86_64: { AF_UNIX: 1n, AF_INET: 2n, AF_INET6: 10n, O_ACCMODE: 3n, O_RDONLY: 0n, O_CREAT: 0x40n, O_TRUNC: 0x200n, O_DIRECTORY: 0x10000n, AT_FDCWD: 0xffffff9cn, BIG: 0x1_0000_0000n },
  aarch64: { AF_UNIX: 1n, O_ACCMODE: 3n, O_RDONLY: 0n, O_CREAT: 0x40n, O_DIRECTORY: 0x4000n },
};
const SYSCALLS: Record<string, (32 | 64)[]> = {
  openat: [32, 64, 32, 32], // int dirfd, const char *pathname, int flags, umode_t mode
  socket: [32, 32, 32], // int domain, int type, int protocol
  mmap: [64, 64, 32, 32, 32, 64],
  getpid: [],
  close: [32],
};

function ctx(syscall: string, abi = 'x86_64'): ConditionContext {
  const table = CONSTANTS[abi]!;
  const widths = SYSCALLS[syscall]!;
  return { abi, syscall, argCount: widths.length, widths, constant: (n) => table[n], constantNames: () => Object.keys(table) };
}

function check(text: string, syscall: string, abi = 'x86_64') {
  const p = parseCondition(text);
  if (!p.expr) throw new Error(p.diagnostics.map((d) => d.diagnostic.message).join('; '));
  const r = checkCondition(p.expr, ctx(syscall, abi));
  return {
    resolved: r.resolved,
    ds: r.diagnostics.map((d) => ({ code: d.diagnostic.code, severity: d.diagnostic.severity, at: text.slice(d.start, d.end), start: d.start, message: d.diagnostic.message, hint: d.diagnostic.hint })),
  };
}

describe('checkCondition', () => {
  it('accepts the examples of the issue and resolves their constants', () => {
    const r = check('args[0] in [AF_UNIX, AF_INET, AF_INET6]', 'socket');
    expect(r.ds).toEqual([]);
    expect([...r.resolved]).toEqual([['AF_UNIX', 1n], ['AF_INET', 2n], ['AF_INET6', 10n]]);
    expect(check('args[2].masked(O_ACCMODE) == O_RDONLY && !args[2].hasAny(O_CREAT, O_TRUNC)', 'openat').ds).toEqual([]);
    expect(check('args[0] == AT_FDCWD', 'openat').ds).toEqual([]);
  });

  it('resolves constants per ABI', () => {
    expect(check('args[2].hasAny(O_DIRECTORY)', 'openat', 'x86_64').resolved.get('O_DIRECTORY')).toBe(0x10000n);
    expect(check('args[2].hasAny(O_DIRECTORY)', 'openat', 'aarch64').resolved.get('O_DIRECTORY')).toBe(0x4000n);
  });

  it('reports an unknown constant at its offsets, with a suggestion, once per use', () => {
    const r = check('args[0] == AF_UNIXX || args[1] in [AF_INTE, AF_UNIXX]', 'socket');
    expect(r.ds.map(({ code, at, start }) => ({ code, at, start }))).toEqual([
      { code: 'SF4120', at: 'AF_UNIXX', start: 11 },
      { code: 'SF4120', at: 'AF_INTE', start: 35 },
      { code: 'SF4120', at: 'AF_UNIXX', start: 44 },
    ]);
    expect(r.ds[0]!.message).toBe('unknown constant "AF_UNIXX" for x86_64; did you mean "AF_UNIX"?');
    expect(r.ds[1]!.message).toContain('did you mean "AF_INET"?');
    // A constant of another ABI only: unknown here.
    expect(check('args[0] == AF_INET6', 'socket', 'aarch64').ds[0]).toMatchObject({ code: 'SF4120', message: 'unknown constant "AF_INET6" for aarch64' });
  });

  it('reports arguments the syscall does not take', () => {
    expect(check('args[4] == 0', 'openat').ds).toEqual([
      expect.objectContaining({ code: 'SF4121', at: 'args[4]', start: 0, message: 'openat takes 4 arguments; args[4] is not one of them' }),
    ]);
    expect(check('true && args[0].masked(3) == 1', 'getpid').ds[0]).toMatchObject({ code: 'SF4121', at: 'args[0].masked(3)', start: 8, message: 'getpid takes no arguments; args[0] is not one of them' });
    expect(check('args[1].hasAny(1)', 'close').ds[0]).toMatchObject({ code: 'SF4121', message: 'close takes 1 argument; args[1] is not one of them' });
  });

  it('reports values that do not fit a 32-bit argument: literal, constant, mask, flag, list item', () => {
    const rows: [string, string, string, string][] = [
      ['args[0] == 0x100000000', 'socket', '0x100000000', 'the value 0x100000000 has bits above the low 32, but args[0] of socket is a 32-bit argument: only its low word is compared'],
      ['args[1] != BIG', 'socket', 'BIG', 'the value BIG (0x100000000) has bits above the low 32'],
      ['args[2].masked(0x1000000ff) == 1', 'openat', '0x1000000ff', 'the mask 0x1000000ff has bits above the low 32'],
      ['args[2].hasNone(O_CREAT, 0x8000000000000000u)', 'openat', '0x8000000000000000u', 'the flag 0x8000000000000000 has bits above the low 32'],
      ['args[0] in [AF_UNIX, 4294967296]', 'socket', '4294967296', 'the value 0x100000000'],
    ];
    for (const [text, syscall, at, message] of rows) {
      const r = check(text, syscall);
      expect(r.ds).toHaveLength(1);
      expect(r.ds[0]).toMatchObject({ code: 'SF4122', severity: 'error', at, start: text.indexOf(at) });
      expect(r.ds[0]!.message).toContain(message);
    }
    // 64-bit arguments take 64-bit values.
    expect(check('args[1] == 0x100000000 && args[0].masked(0xffffffff00000000u) == BIG', 'mmap').ds).toEqual([]);
    // A sign-extended negative value: the hint gives its 32-bit form.
    expect(check('args[0] == 0xffffffffffffff9cu', 'openat').ds[0]!.hint).toBe('for a negative 32-bit value write 0xffffff9c');
  });

  it('warns about masked comparisons that can never hold', () => {
    const r = check('args[2].masked(O_ACCMODE) == O_CREAT || args[2].masked(3) != 4 || args[2].masked(3) in [1, 8]', 'openat');
    expect(r.ds.map(({ code, severity, at }) => ({ code, severity, at }))).toEqual([
      { code: 'SF4123', severity: 'warning', at: 'O_CREAT' },
      { code: 'SF4123', severity: 'warning', at: '4' },
      { code: 'SF4123', severity: 'warning', at: '8' },
    ]);
    expect(r.ds[0]!.message).toBe('args[2].masked(O_ACCMODE (0x3)) == O_CREAT (0x40) is always false: O_CREAT (0x40) has bits outside the mask');
    expect(r.ds[1]!.message).toContain('is always true');
    // Ordering against a value outside the mask is meaningful (x & M < V is often true): no warning.
    expect(check('args[2].masked(3) < 8', 'openat').ds).toEqual([]);
  });
});
