import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LEN,
  BPF_MISC,
  BPF_RET,
  BPF_A,
  BPF_TAX,
  BPF_W,
  BPF_X,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_LOG,
  argLo,
  jump,
  stmt,
  type Insn,
} from '../../../../compiler/5-emit/seccomp/bpf.js';
import { checkProgram, runFilter } from '../../../../compiler/5-emit/seccomp/bpf-emulate.js';
import { constAllowSet, isConstAllow, isKernelPassthrough } from '../../../../compiler/5-emit/seccomp/const-allow.js';
import { fcParams } from '../../../property/support.js';

const LD = (k: number) => stmt(BPF_LD | BPF_W | BPF_ABS, k);
const RET = (k: number) => stmt(BPF_RET | BPF_K, k);
const JEQ = (k: number, jt: number, jf: number) => jump(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
const ALLOW = SECCOMP_RET_ALLOW;
const EPERM = SECCOMP_RET_ERRNO | 1;
const X86_64 = AUDIT_ARCH_X86_64;

/** arch check, then: read(0), write(1) allowed; openat(257) allowed only if args[0] == AT_FDCWD's low word; ioctl(16) LOG; else EPERM. */
const POLICY: Insn[] = [
  LD(4), // 0
  JEQ(X86_64, 1, 0), // 1
  RET(SECCOMP_RET_KILL_PROCESS), // 2
  LD(0), // 3
  JEQ(0, 4, 0), // 4 -> 9
  JEQ(1, 3, 0), // 5 -> 9
  JEQ(16, 4, 0), // 6 -> 11
  JEQ(257, 4, 0), // 7 -> 12
  RET(EPERM), // 8
  RET(ALLOW), // 9
  RET(EPERM), // 10
  RET(SECCOMP_RET_LOG), // 11
  LD(argLo(0)), // 12
  JEQ(0xffffff9c, 0, 1), // 13
  RET(ALLOW), // 14
  RET(EPERM), // 15
];

describe('isConstAllow: kernel/seccomp.c seccomp_is_const_allow', () => {
  it('marks the syscalls whose path loads only nr and arch and ends in ret ALLOW', () => {
    expect(checkProgram(POLICY)).toEqual([]);
    // Hand-computed: read and write reach pc 9 through nr comparisons only.
    expect([...constAllowSet(POLICY, X86_64, Array.from({ length: 400 }, (_, i) => i))]).toEqual([0, 1]);
    // openat loads args[0]: not constant even though one of its outcomes is ALLOW.
    expect(isConstAllow(POLICY, X86_64, 257)).toBe(false);
    // LOG and ERRNO are constant outcomes but not ALLOW.
    expect(isConstAllow(POLICY, X86_64, 16)).toBe(false);
    expect(isConstAllow(POLICY, X86_64, 2)).toBe(false);
    // Another arch is killed: not allowed.
    expect(isConstAllow(POLICY, AUDIT_ARCH_I386, 0)).toBe(false);
  });

  it('follows ja, jgt, jge, jset and and #k', () => {
    const prog = [
      LD(0), // 0
      stmt(BPF_ALU | BPF_AND | BPF_K, 0xff), // 1: nr & 0xff
      jump(BPF_JMP | BPF_JGE | BPF_K, 0x80, 0, 1), // 2 -> 3 / 4
      stmt(BPF_JMP | BPF_JA, 3), // 3 -> 7
      jump(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 0), // 4 -> 6 / 5
      RET(EPERM), // 5: even, < 0x80
      jump(BPF_JMP | BPF_JGT | BPF_K, 0x11, 1, 0), // 6 -> 8 / 7
      RET(ALLOW), // 7: (nr & 0xff) >= 0x80, or odd and <= 0x11
      RET(EPERM), // 8
    ];
    expect(checkProgram(prog)).toEqual([]);
    const expected = (nr: number) => (nr & 0xff) >= 0x80 || ((nr & 1) === 1 && (nr & 0xff) <= 0x11);
    for (const nr of [0, 1, 2, 3, 15, 16, 17, 0x13, 0x7f, 0x80, 0xff, 0x100, 0x101, 0x111, 0x113, 0x180, 0x40000001, 0xffffffff]) {
      expect(isConstAllow(prog, X86_64, nr), `nr ${nr}`).toBe(expected(nr));
    }
  });

  it('gives up on any instruction it does not model, even when the outcome is fixed', () => {
    const notModelled: Insn[][] = [
      [LD(0), stmt(BPF_MISC | BPF_TAX, 0), RET(ALLOW)], // tax
      [stmt(BPF_LD | BPF_IMM, 5), RET(ALLOW)], // ld #imm
      [stmt(BPF_LD | BPF_W | BPF_LEN, 0), RET(ALLOW)], // ld #len (kept as such in orig_prog)
      [LD(0), stmt(BPF_ALU | BPF_ADD | BPF_K, 1), RET(ALLOW)], // add
      [LD(0), jump(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0), RET(ALLOW)], // X operand
      [stmt(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW), stmt(BPF_RET | BPF_A, 0)], // ret a
      [LD(8), RET(ALLOW)], // instruction pointer
      [LD(argLo(5)) /* then allow regardless */, RET(ALLOW)],
    ];
    for (const prog of notModelled) {
      expect(checkProgram(prog)).toEqual([]);
      expect(runFilter(prog, { nr: 0, arch: X86_64, ip: 0n, args: [] }).ret).toBe(ALLOW); // truly always ALLOW...
      expect(isConstAllow(prog, X86_64, 0)).toBe(false); // ...but not provably so for the kernel
    }
  });

  it('treats ALLOW with data as not ALLOW (k must equal SECCOMP_RET_ALLOW exactly)', () => {
    expect(isConstAllow([RET(ALLOW | 1)], X86_64, 0)).toBe(false);
    expect(isConstAllow([RET(ALLOW)], X86_64, 0)).toBe(true);
  });

  it('starts the register at 0 (a jump before any load sees 0)', () => {
    expect(isConstAllow([JEQ(0, 0, 1), RET(ALLOW), RET(EPERM)], X86_64, 7)).toBe(true);
  });

  it('knows the syscalls recent x86_64 kernels never filter', () => {
    expect(isKernelPassthrough(X86_64, 335)).toBe(true);
    expect(isKernelPassthrough(X86_64, 336)).toBe(true);
    expect(isKernelPassthrough(X86_64, 334)).toBe(false);
    expect(isKernelPassthrough(AUDIT_ARCH_I386, 335)).toBe(false);
  });
});

// Independent oracle: the emulator. For programs of the instructions the analysis models,
// "constant allow" must mean exactly "ALLOW whatever the arguments" when no argument is loaded
// on the path, and whenever the analysis says yes the emulator must agree for any data.
/** Values shared by immediates and syscall numbers, so that comparisons often hit equality. */
const VALUES = [0, 1, 2, 0x7f, 0x80, 0xff, 0x40000000, X86_64, AUDIT_ARCH_I386, 0xffffffff];
const K = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }) });
const RETS = [ALLOW, ALLOW | 1, EPERM, SECCOMP_RET_LOG, SECCOMP_RET_KILL_PROCESS];

function programArb(withArgs: boolean): fc.Arbitrary<Insn[]> {
  const item = fc.record({
    kind: fc.constantFrom(...(withArgs ? ['ldnr', 'ldarch', 'ldarg', 'and', 'jeq', 'jgt', 'jge', 'jset', 'ja', 'ret'] : ['ldnr', 'ldarch', 'and', 'jeq', 'jgt', 'jge', 'jset', 'ja', 'ret'])),
    k: K,
    arg: fc.integer({ min: 0, max: 11 }),
    t: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    f: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    r: fc.constantFrom(...RETS),
  });
  return fc.tuple(fc.array(item, { minLength: 1, maxLength: 24 }), fc.constantFrom(...RETS)).map(([items, last]) => {
    const n = items.length + 1;
    const prog = items.map((it, pc): Insn => {
      const room = n - pc - 2; // largest offset that stays inside the program
      const off = (x: number) => Math.min(255, Math.floor(x * (room + 1)));
      switch (it.kind) {
        case 'ldnr':
          return LD(0);
        case 'ldarch':
          return LD(4);
        case 'ldarg':
          return LD(16 + 4 * it.arg);
        case 'and':
          return stmt(BPF_ALU | BPF_AND | BPF_K, it.k);
        case 'ja':
          return stmt(BPF_JMP | BPF_JA, off(it.t));
        case 'ret':
          return RET(it.r);
        default: {
          const op = { jeq: BPF_JEQ, jgt: BPF_JGT, jge: BPF_JGE, jset: BPF_JSET }[it.kind as 'jeq'];
          return jump(BPF_JMP | op | BPF_K, it.k, off(it.t), off(it.f));
        }
      }
    });
    prog.push(RET(last));
    return prog;
  });
}

describe('isConstAllow against the emulator', () => {
  const nrs = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }) });
  const arch = fc.constantFrom(X86_64, AUDIT_ARCH_I386, 0);

  it('is exact for programs that load only nr and arch', () => {
    fc.assert(
      fc.property(programArb(false), arch, nrs, (prog, a, nr) => {
        expect(checkProgram(prog)).toEqual([]);
        const ret = runFilter(prog, { nr, arch: a, ip: 0n, args: [] }).ret;
        expect(isConstAllow(prog, a, nr)).toBe(ret === ALLOW);
      }),
      fcParams(500),
    );
  });

  it('never claims constant ALLOW for a path that could decide otherwise', () => {
    let hits = 0;
    const args = fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 6, maxLength: 6 });
    fc.assert(
      fc.property(programArb(true), arch, nrs, fc.array(args, { minLength: 1, maxLength: 8 }), (prog, a, nr, argSets) => {
        if (!isConstAllow(prog, a, nr)) return;
        hits++;
        for (const as of argSets) expect(runFilter(prog, { nr, arch: a, ip: 0n, args: as }).ret).toBe(ALLOW);
      }),
      fcParams(500),
    );
    expect(hits).toBeGreaterThan(50); // the property was not vacuous
  });
});
