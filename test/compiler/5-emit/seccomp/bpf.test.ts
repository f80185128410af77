import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AUDIT_ARCH_X86_64,
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_MEM,
  BPF_MISC,
  BPF_NEG,
  BPF_RET,
  BPF_A,
  BPF_ST,
  BPF_TAX,
  BPF_W,
  BPF_X,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
  actionToRet,
  argHi,
  argLo,
  decodeProgram,
  encodeProgram,
  formatInsn,
  jump,
  retToAction,
  stmt,
  type Insn,
} from '../../../../compiler/5-emit/seccomp/bpf.js';
import type { SyscallAction } from '../../../../compiler/ir/policy-ir.js';
import { fcParams } from '../../../property/support.js';

describe('struct sock_filter encoding', () => {
  it('is 8 little-endian bytes per instruction: u16 code, u8 jt, u8 jf, u32 k', () => {
    const bytes = encodeProgram([jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 2), stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)]);
    expect([...bytes]).toEqual([0x15, 0x00, 0x01, 0x02, 0x3e, 0x00, 0x00, 0xc0, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x7f]);
  });

  it('decodes what it encodes (any field values in range)', () => {
    const insn = fc.record({
      code: fc.integer({ min: 0, max: 0xffff }),
      jt: fc.integer({ min: 0, max: 0xff }),
      jf: fc.integer({ min: 0, max: 0xff }),
      k: fc.integer({ min: 0, max: 0xffffffff }),
    });
    fc.assert(
      fc.property(fc.array(insn, { maxLength: 50 }), (prog) => {
        expect(decodeProgram(encodeProgram(prog))).toEqual(prog);
      }),
      fcParams(200),
    );
  });

  it('decodes a subarray at an odd offset of a larger buffer', () => {
    const inner = encodeProgram([stmt(BPF_RET | BPF_K, 0x12345678)]);
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect(decodeProgram(outer.subarray(3))).toEqual([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: 0x12345678 }]);
  });

  it('refuses fields that do not fit and lengths that are not a multiple of 8', () => {
    expect(() => encodeProgram([{ code: 0x10000, jt: 0, jf: 0, k: 0 }])).toThrow(/code/);
    expect(() => encodeProgram([{ code: 0, jt: 256, jf: 0, k: 0 }])).toThrow(/jt/);
    expect(() => encodeProgram([{ code: 0, jt: 0, jf: -1, k: 0 }])).toThrow(/jf/);
    expect(() => encodeProgram([{ code: 0, jt: 0, jf: 0, k: 2 ** 32 }])).toThrow(/k/);
    expect(() => encodeProgram([{ code: 0, jt: 0, jf: 0, k: 1.5 }])).toThrow(/k/);
    expect(() => decodeProgram(new Uint8Array(12))).toThrow(/multiple of 8/);
  });

  it('stmt and jump normalise negative immediates to u32', () => {
    expect(stmt(BPF_LD | BPF_IMM, -1).k).toBe(0xffffffff);
    expect(jump(BPF_JMP | BPF_JEQ | BPF_K, -2, 0, 0).k).toBe(0xfffffffe);
  });
});

describe('seccomp_data offsets', () => {
  it('puts args[i] at 16 + 8i, low word first (little-endian)', () => {
    expect([0, 1, 5].map(argLo)).toEqual([16, 24, 56]);
    expect([0, 1, 5].map(argHi)).toEqual([20, 28, 60]);
  });
});

describe('actions and return values', () => {
  const table: [SyscallAction, number][] = [
    [{ kind: 'allow' }, 0x7fff0000],
    [{ kind: 'log' }, 0x7ffc0000],
    [{ kind: 'trap' }, 0x00030000],
    [{ kind: 'kill-thread' }, 0x00000000],
    [{ kind: 'kill-process' }, 0x80000000],
    [{ kind: 'errno', errno: 1 }, 0x00050001],
    [{ kind: 'errno', errno: 0 }, 0x00050000],
    [{ kind: 'errno', errno: 4095 }, 0x00050fff],
  ];
  it.each(table)('%j <-> %i', (action, ret) => {
    expect(actionToRet(action)).toBe(ret);
    expect(retToAction(ret)).toEqual(action);
  });

  it('refuses an errno the kernel would cap (MAX_ERRNO 4095) or cannot encode', () => {
    for (const errno of [4096, 65535, -1, 1.5]) expect(() => actionToRet({ kind: 'errno', errno })).toThrow(RangeError);
  });

  it('maps return values as kernel/seccomp.c __seccomp_filter acts on them', () => {
    expect(retToAction(SECCOMP_RET_ERRNO | 5000)).toEqual({ kind: 'errno', errno: 4095 }); // capped
    expect(retToAction(SECCOMP_RET_ERRNO | 0xffff)).toEqual({ kind: 'errno', errno: 4095 });
    expect(retToAction(SECCOMP_RET_TRAP | 7)).toEqual({ kind: 'trap' }); // data goes to si_errno only
    expect(retToAction(SECCOMP_RET_ALLOW | 3)).toEqual({ kind: 'allow' }); // action = ret & ACTION_FULL
    expect(retToAction(SECCOMP_RET_KILL_THREAD | 9)).toEqual({ kind: 'kill-thread' });
    expect(retToAction(SECCOMP_RET_TRACE | 1)).toBeNull();
    expect(retToAction(SECCOMP_RET_USER_NOTIF)).toBeNull();
    // Unknown actions reach `default:` and kill the process.
    expect(retToAction(0x12340000)).toEqual({ kind: 'kill-process' });
    expect(retToAction(0x7ffe0000)).toEqual({ kind: 'kill-process' });
    expect(retToAction(SECCOMP_RET_KILL_PROCESS | 1)).toEqual({ kind: 'kill-process' });
    expect(retToAction(SECCOMP_RET_LOG)).toEqual({ kind: 'log' });
  });
});

describe('formatInsn', () => {
  const cases: [Insn, string][] = [
    [stmt(BPF_LD | BPF_W | BPF_ABS, 4), 'ld [4]  ; arch'],
    [stmt(BPF_LD | BPF_W | BPF_ABS, 0), 'ld [0]  ; nr'],
    [stmt(BPF_LD | BPF_W | BPF_ABS, argHi(2)), 'ld [36]  ; args[2] (high)'],
    [stmt(BPF_LD | BPF_W | BPF_ABS, 8), 'ld [8]  ; instruction_pointer (low)'],
    [jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 3, 0), 'jeq #0xc000003e, 3, 0  ; → 9, 6 (x86_64)'],
    [jump(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), 'jset x, 0, 1  ; → 6, 7'],
    [jump(BPF_JMP | BPF_JEQ | BPF_K, 59, 0, 1), 'jeq #59, 0, 1  ; → 6, 7'],
    [stmt(BPF_JMP | BPF_JA, 10), 'ja 10  ; → 16'],
    [stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff0000), 'and #0xffff0000'],
    [stmt(BPF_ALU | BPF_NEG, 0), 'neg'],
    [stmt(BPF_MISC | BPF_TAX, 0), 'tax'],
    [stmt(BPF_ST, 3), 'st M[3]'],
    [stmt(BPF_LDX | BPF_MEM, 3), 'ldx M[3]'],
    [stmt(BPF_LD | BPF_W | BPF_LEN, 0), 'ld #len  ; sizeof(struct seccomp_data) = 64'],
    [stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), 'ret ALLOW'],
    [stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1), 'ret ERRNO(1)'],
    [stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), 'ret KILL_PROCESS'],
    [stmt(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 5), 'ret TRAP(5)'],
    [stmt(BPF_RET | BPF_K, SECCOMP_RET_LOG), 'ret LOG'],
    [stmt(BPF_RET | BPF_K, 0x12340000), 'ret #0x12340000'],
    [stmt(BPF_RET | BPF_A, 0), 'ret a'],
    [stmt(BPF_LD | 0x08 | BPF_ABS, 4), 'ldh [4]  ; not allowed by seccomp'],
    [stmt(0x1ff, 0), '.insn 0x1ff, 0, 0, 0x0  ; not a seccomp instruction'],
    [stmt(BPF_RET | BPF_X, 0), '.insn 0xe, 0, 0, 0x0  ; not a seccomp instruction'],
  ];
  it.each(cases)('%j at pc 5 -> %s', (insn, text) => {
    expect(formatInsn(insn, 5)).toBe(text);
  });
});
