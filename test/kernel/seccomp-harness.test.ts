import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
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
  BPF_MISC,
  BPF_MOD,
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
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_USER_NOTIF,
  X32_SYSCALL_BIT,
  argHi,
  argLo,
  encodeProgram,
  formatInsn,
  formatRet,
  jump,
  stmt,
  type Insn,
} from '../../compiler/5-emit/seccomp/bpf.js';
import { checkProgram, runFilter } from '../../compiler/5-emit/seccomp/bpf-emulate.js';
import { isConstAllow } from '../../compiler/5-emit/seccomp/const-allow.js';
import {
  disposeKernelHarness,
  kernelVerdicts,
  kernelVerdictsMany,
  probeBinary,
  probeData,
  runUnderFilter,
  seccompAvailable,
  type Probe,
  type Verdict,
} from '../support/seccomp-kernel.js';
import { fcParams } from '../property/support.js';

// Oracle (c): the kernel itself. Every check here compares the emulator with what the kernel
// decided for the same program and seccomp_data, so each can fail either way.

const avail = await seccompAvailable();
if (!avail.ok) console.warn(`skipping kernel seccomp tests: ${avail.reason}`);
const kernel = describe.skipIf(!avail.ok);

afterAll(() => disposeKernelHarness());

const LD = (k: number) => stmt(BPF_LD | BPF_W | BPF_ABS, k);
const RET = (k: number) => stmt(BPF_RET | BPF_K, k);
const JEQ = (k: number, jt: number, jf: number) => jump(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
const ERRNO = (n: number) => (SECCOMP_RET_ERRNO | n) >>> 0;
const MAX64 = (1n << 64n) - 1n;

function listing(prog: readonly Insn[]): string {
  return prog.map((insn, pc) => `${String(pc).padStart(4)}: ${formatInsn(insn, pc)}`).join('\n');
}

/** Asserts the kernel's verdict equals the emulator's for every probe; returns the verdicts. */
async function agree(prog: readonly Insn[], probes: readonly Probe[]): Promise<Verdict[]> {
  expect(checkProgram(prog)).toEqual([]);
  const verdicts = await kernelVerdicts(encodeProgram(prog), probes);
  const diffs = probes.flatMap((p, i) => {
    const emu = runFilter(prog, probeData(p, verdicts[i]!.ip)).ret;
    return emu === verdicts[i]!.ret ? [] : [`${p.abi} nr=${p.nr} args=[${p.args.map((a) => '0x' + a.toString(16)).join(',')}]: kernel ${formatRet(verdicts[i]!.ret)}, emulator ${formatRet(emu)}`];
  });
  expect(diffs, `program:\n${listing(prog)}`).toEqual([]);
  return verdicts;
}

/**
 * Checks the kernel computed exactly the A and X the emulator predicts after `body`, one job
 * per probe: the program ends `jeq #A; txa; jeq #X` with A and X from the emulator for that
 * probe's data, so any difference in any bit changes the verdict from ERRNO(1).
 * `body` must not read the instruction pointer (its value is only known after the run).
 */
async function exactRegisters(body: readonly Insn[], probes: readonly Probe[]): Promise<void> {
  const jobs = probes.map((p) => {
    const a = runFilter([...body, stmt(BPF_RET | BPF_A, 0)], probeData(p)).ret;
    const x = runFilter([...body, stmt(BPF_MISC | BPF_TXA, 0), stmt(BPF_RET | BPF_A, 0)], probeData(p)).ret;
    const prog = [...body, JEQ(a, 1, 0), RET(ERRNO(3)), stmt(BPF_MISC | BPF_TXA, 0), JEQ(x, 1, 0), RET(ERRNO(2)), RET(ERRNO(1))];
    expect(checkProgram(prog)).toEqual([]);
    return { prog, probe: p };
  });
  const verdicts = await kernelVerdictsMany(jobs.map((j) => ({ program: encodeProgram(j.prog), probes: [j.probe] })));
  jobs.forEach((j, i) => {
    // ERRNO(1), or KILL_THREAD where a `div x` met X = 0 first.
    const emu = runFilter(j.prog, probeData(j.probe)).ret;
    expect(formatRet(verdicts[i]![0]!.ret), `${j.probe.abi} args=${j.probe.args.join(',')}\n${listing(j.prog)}`).toBe(formatRet(emu));
  });
}

const x86 = (nr: number, ...args: bigint[]): Probe => ({ abi: 'x86_64', nr, args });
const i386 = (nr: number, ...args: bigint[]): Probe => ({ abi: 'i386', nr, args });
const x32 = (nr: number, ...args: bigint[]): Probe => ({ abi: 'x32', nr: (X32_SYSCALL_BIT | nr) >>> 0, args });

/** A policy-shaped program: arch check, x32 rejection, a dispatch on nr, 64-bit argument checks, every action. */
const POLICY: Insn[] = [
  LD(4), // 0
  JEQ(AUDIT_ARCH_X86_64, 2, 0), // 1 -> 4
  JEQ(AUDIT_ARCH_I386, 20, 0), // 2 -> 23
  RET(SECCOMP_RET_KILL_PROCESS), // 3
  LD(0), // 4
  jump(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1), // 5 -> 6 / 7
  RET(ERRNO(38)), // 6: x32
  JEQ(0, 13, 0), // 7 read -> 21
  JEQ(1, 13, 0), // 8 write -> 22 (log)
  JEQ(2, 5, 0), // 9 open -> 15 (args)
  JEQ(39, 10, 0), // 10 getpid -> 21
  JEQ(60, 0, 1), // 11 exit -> 12 / 13
  RET(SECCOMP_RET_TRAP | 7), // 12
  jump(BPF_JMP | BPF_JGT | BPF_K, 400, 0, 1), // 13 -> 14 / 15: every other syscall is checked like open
  RET(ERRNO(4095)), // 14: nr > 400
  // 15: open(path, flags): flags (args[1]) must have no bit of O_WRONLY|O_RDWR (3) set, and the high word must be 0
  LD(argHi(1)), // 15
  JEQ(0, 0, 3), // 16 -> 17 / 20
  LD(argLo(1)), // 17
  jump(BPF_JMP | BPF_JSET | BPF_K, 3, 1, 0), // 18 -> 20 / 19
  RET(SECCOMP_RET_ALLOW), // 19
  RET(ERRNO(13)), // 20
  RET(SECCOMP_RET_ALLOW), // 21
  RET(SECCOMP_RET_LOG), // 22
  // i386: getpid (20) allowed, socketcall (102) with args[0] > 0x7fffffff killed (thread), else ENOSYS
  LD(0), // 23
  JEQ(20, 4, 0), // 24 -> 29
  JEQ(102, 0, 2), // 25 -> 26 / 28
  LD(argLo(0)), // 26
  jump(BPF_JMP | BPF_JGT | BPF_K, 0x7fffffff, 2, 0), // 27 -> 30 / 28
  RET(ERRNO(5000)), // 28: data above MAX_ERRNO (the kernel returns -4095)
  RET(SECCOMP_RET_ALLOW), // 29
  RET(SECCOMP_RET_KILL_THREAD), // 30
];

const BOUNDARY64 = [0n, 1n, 2n, 3n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, (1n << 32n) | 1n, 1n << 63n, MAX64, 0xdeadbeef00000002n];

kernel('kernel verdicts equal the emulator: hand-written programs', () => {
  it('a policy-shaped program, every action, x86_64 / x32 / i386', async () => {
    const probes: Probe[] = [];
    for (const nr of [0, 1, 2, 3, 39, 60, 61, 400, 401, 450, 0xffffffff]) for (const a of BOUNDARY64) probes.push(x86(nr, 0n, a));
    for (const nr of [0, 2, 39]) probes.push(x32(nr, 0n, 1n));
    for (const nr of [1, 20, 102, 103]) for (const a of [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn]) probes.push(i386(nr, a));
    const v = await agree(POLICY, probes);
    const seen = new Set(v.map((x) => formatRet(x.ret)));
    // Every kind of verdict the program can give was observed through the kernel.
    // (KILL_PROCESS needs an arch that is neither x86_64 nor i386, which no probe can produce.)
    expect([...seen].sort()).toEqual(['ALLOW', 'ERRNO(13)', 'ERRNO(38)', 'ERRNO(4095)', 'ERRNO(5000)', 'KILL_THREAD', 'LOG', 'TRAP(7)'].sort());
  });

  it('every ALU operation with K and X operands, scratch memory, tax/txa, ld #len', async () => {
    const ops = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH];
    const body: Insn[] = [
      LD(argLo(0)),
      stmt(BPF_ST, 0),
      LD(argLo(1)),
      stmt(BPF_MISC | BPF_TAX, 0), // X = args[1].lo
      stmt(BPF_LD | BPF_MEM, 0), // A = args[0].lo
      ...ops.flatMap((op, i) => [stmt(BPF_ALU | op | BPF_K, op === BPF_DIV ? 7 : op === BPF_LSH || op === BPF_RSH ? 3 + i : 0x9e3779b9 * (i + 1)), stmt(BPF_ALU | op | BPF_X, 0)]),
      stmt(BPF_ALU | BPF_NEG, 0),
      stmt(BPF_STX, 5),
      stmt(BPF_LDX | BPF_W | BPF_LEN, 0),
      stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
      stmt(BPF_LDX | BPF_MEM, 5),
      stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
      LD(argHi(0)),
      stmt(BPF_ALU | BPF_OR | BPF_X, 0),
    ];
    const probes: Probe[] = [];
    for (const a of BOUNDARY64) for (const b of [1n, 2n, 3n, 31n, 32n, 33n, 0x80000000n, 0xffffffffn, 0x12345678n]) probes.push(x86(0, a, b));
    await exactRegisters(body, probes);
  });

  it('div x by 0 ends the program with 0 (KILL_THREAD), and shifts by X take X mod 32', async () => {
    const div: Insn[] = [LD(argLo(0)), stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_LD | BPF_IMM, 100), stmt(BPF_ALU | BPF_DIV | BPF_X, 0), JEQ(50, 0, 1), RET(ERRNO(1)), RET(ERRNO(2))];
    const v = await agree(div, [x86(0, 2n), x86(0, 0n), x86(0, 3n), x86(0, 1n << 32n)]);
    expect(v.map((x) => formatRet(x.ret))).toEqual(['ERRNO(1)', 'KILL_THREAD', 'ERRNO(2)', 'KILL_THREAD']);

    const shl: Insn[] = [LD(argLo(0)), stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_LD | BPF_IMM, 3), stmt(BPF_ALU | BPF_LSH | BPF_X, 0), JEQ(6, 0, 1), RET(ERRNO(1)), JEQ(3, 0, 1), RET(ERRNO(2)), RET(ERRNO(3))];
    const s = await agree(shl, [1n, 31n, 32n, 33n, 64n, 65n].map((a) => x86(0, a)));
    expect(s.map((x) => formatRet(x.ret))).toEqual(['ERRNO(1)', 'ERRNO(3)', 'ERRNO(2)', 'ERRNO(1)', 'ERRNO(2)', 'ERRNO(1)']);
  });

  it('ja, X-operand jumps, and TRACE / USER_NOTIF / unknown actions', async () => {
    const prog: Insn[] = [
      LD(argLo(1)),
      stmt(BPF_MISC | BPF_TAX, 0), // X = args[1].lo
      LD(argLo(0)),
      jump(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), // A == X
      stmt(BPF_JMP | BPF_JA, 5), // -> 10
      jump(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), // A > X
      RET(SECCOMP_RET_TRACE | 3),
      jump(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), // A & X
      RET(SECCOMP_RET_USER_NOTIF),
      RET(0x12340000), // an action the kernel does not know: kills the process
      jump(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), // 10
      RET(SECCOMP_RET_ALLOW | 9),
      RET(SECCOMP_RET_LOG | 1),
    ];
    const v = await agree(prog, [x86(0, 5n, 5n), x86(0, 6n, 5n), x86(0, 1n, 3n), x86(0, 4n, 8n), x86(0, 0n, 0n)]);
    expect(v.map((x) => formatRet(x.ret))).toEqual(['ALLOW(9)', 'TRACE(3)', 'USER_NOTIF', '#0x12340000', 'ALLOW(9)']);
  });

  it('instruction_pointer is the address after the trap instruction', async () => {
    const [first] = await kernelVerdicts(encodeProgram([RET(SECCOMP_RET_ALLOW)]), [x86(39)]);
    const ip = first!.ip;
    expect(ip).toBeGreaterThan(0n);
    const prog: Insn[] = [LD(8), JEQ(Number(ip & 0xffffffffn), 0, 3), LD(12), JEQ(Number(ip >> 32n), 0, 1), RET(ERRNO(1)), RET(ERRNO(2))];
    const v = await agree(prog, [x86(39), x86(0, 1n), x32(39), i386(20)]);
    expect(v.map((x) => formatRet(x.ret))).toEqual(['ERRNO(1)', 'ERRNO(1)', 'ERRNO(1)', 'ERRNO(2)']); // i386 traps elsewhere
  });

  it('a program of BPF_MAXINSNS instructions', async () => {
    const prog: Insn[] = [LD(0)];
    while (prog.length < BPF_MAXINSNS - 1) prog.push(JEQ(prog.length, 0, 0));
    prog[prog.length - 1] = JEQ(4000, 0, 0);
    prog.push(RET(ERRNO(7)));
    prog[1] = JEQ(39, 255, 0);
    await agree(prog, [x86(39), x86(40), x86(4000)]);
  });
});

kernel('the i386 and x32 entries', () => {
  it('int $0x80: arch I386, nr from eax, the six arguments from ebx ecx edx esi edi ebp', async () => {
    const pattern = [0x11111111n, 0x22222222n, 0x33333333n, 0x44444444n, 0x55555555n, 0x66666666n];
    const prog: Insn[] = [LD(4), JEQ(AUDIT_ARCH_I386, 1, 0), RET(ERRNO(99)), LD(0), JEQ(20, 1, 0), RET(ERRNO(98))];
    pattern.forEach((v, i) => prog.push(LD(argLo(i)), JEQ(Number(v), 1, 0), RET(ERRNO(100 + i))));
    prog.push(RET(ERRNO(1)));
    const probes = [i386(20, ...pattern), i386(21, ...pattern), x86(20, ...pattern)];
    for (let i = 0; i < 6; i++) probes.push(i386(20, ...pattern.map((v, j) => (j === i ? v + 1n : v))));
    const v = await agree(prog, probes);
    expect(v.map((x) => formatRet(x.ret))).toEqual(['ERRNO(1)', 'ERRNO(98)', 'ERRNO(99)', ...[0, 1, 2, 3, 4, 5].map((i) => `ERRNO(${100 + i})`)]);
  });

  it('int $0x80 from a 64-bit process: the filter sees the whole 64-bit registers', async () => {
    // arch/x86/include/asm/syscall.h syscall_get_arguments copies regs->bx.. for compat tasks
    // without truncating: a filter for i386 must not assume the high words are 0.
    const prog: Insn[] = [LD(argHi(0)), JEQ(0, 0, 1), RET(ERRNO(10)), RET(ERRNO(11))];
    const v = await agree(prog, [i386(20, 5n), i386(20, (1n << 32n) | 5n), i386(20, MAX64)]);
    expect(v.map((x) => formatRet(x.ret))).toEqual(['ERRNO(10)', 'ERRNO(11)', 'ERRNO(11)']);
  });

  it('x32: arch X86_64 and the number with X32_SYSCALL_BIT (seen even where x32 is compiled out)', async () => {
    const prog: Insn[] = [LD(4), JEQ(AUDIT_ARCH_X86_64, 1, 0), RET(ERRNO(9)), LD(0), jump(BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, 1), RET(ERRNO(32)), RET(ERRNO(64))];
    const v = await agree(prog, [x32(39), x32(0, MAX64), x86(39), x86(0x7fffffff), x86(0xffffffff), { abi: 'x86_64', nr: X32_SYSCALL_BIT | 1, args: [] }]);
    expect(v.map((x) => formatRet(x.ret))).toEqual(['ERRNO(32)', 'ERRNO(32)', 'ERRNO(64)', 'ERRNO(32)', 'ERRNO(32)', 'ERRNO(32)']);
  });
});

kernel('the kernel refuses exactly what checkProgram refuses', () => {
  const refused: [string, Insn[]][] = [
    ['an empty program', []],
    ['4097 instructions', Array.from({ length: BPF_MAXINSNS + 1 }, () => RET(0))],
    ['mod', [stmt(BPF_ALU | BPF_MOD | BPF_K, 3), RET(0)]],
    ['ld h [k]', [stmt(BPF_LD | 0x08 | BPF_ABS, 0), RET(0)]],
    ['ld [2]', [LD(2), RET(0)]],
    ['ld [64]', [LD(64), RET(0)]],
    ['div #0', [stmt(BPF_ALU | BPF_DIV | BPF_K, 0), RET(0)]],
    ['lsh #32', [stmt(BPF_ALU | BPF_LSH | BPF_K, 32), RET(0)]],
    ['st M[16]', [stmt(BPF_ST, 16), RET(0)]],
    ['ja past the end', [stmt(BPF_JMP | BPF_JA, 1), RET(0)]],
    ['jt past the end', [JEQ(0, 1, 0), RET(0)]],
    ['no ret at the end', [RET(0), LD(0)]],
    ['ret x', [stmt(BPF_RET | BPF_X, 0)]],
    ['a load before a store', [stmt(BPF_LD | BPF_MEM, 3), RET(0)]],
    ['the RET fall-through quirk', [JEQ(1, 0, 3), stmt(BPF_ST, 0), stmt(BPF_JMP | BPF_JA, 2), RET(3), RET(SECCOMP_RET_ALLOW), stmt(BPF_LD | BPF_MEM, 0), RET(4)]],
  ];
  it.each(refused)('%s', async (_name, prog) => {
    expect(checkProgram(prog)).not.toEqual([]);
    await expect(kernelVerdicts(encodeProgram(prog), [x86(39)])).rejects.toThrow(/refused the program \(errno 22\)/);
  });

  const accepted: [string, Insn[]][] = [
    ['ld [60]', [LD(60), RET(SECCOMP_RET_ALLOW)]],
    ['rsh #31', [stmt(BPF_ALU | BPF_RSH | BPF_K, 31), RET(SECCOMP_RET_ALLOW)]],
    ['unreachable instructions after a ret', [RET(SECCOMP_RET_ALLOW), stmt(BPF_ALU | BPF_NEG, 0), RET(1)]],
    ['stores on both paths', [JEQ(0, 0, 2), stmt(BPF_ST, 1), stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_ST, 1), stmt(BPF_LD | BPF_MEM, 1), RET(SECCOMP_RET_ALLOW)]],
    ['ld/ldx #len, txa', [stmt(BPF_LD | BPF_W | BPF_LEN, 0), stmt(BPF_LDX | BPF_W | BPF_LEN, 0), stmt(BPF_MISC | BPF_TXA, 0), JEQ(64, 0, 1), RET(SECCOMP_RET_ALLOW), RET(1)]],
  ];
  it.each(accepted)('accepts %s', async (_name, prog) => {
    await agree(prog, [x86(39), x86(0)]);
  });
});

// ---- property: random valid programs, random seccomp_data -------------------------------------
const WORD_K = [0, 1, 2, 39, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, X32_SYSCALL_BIT, 0xdeadbeef];
const kArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WORD_K) }, { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }) });
const RETS = [
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRAP,
  SECCOMP_RET_TRAP | 3,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_TRACE | 1,
  SECCOMP_RET_USER_NOTIF,
  ERRNO(0),
  ERRNO(1),
  ERRNO(38),
  ERRNO(3999),
  ERRNO(4000),
  ERRNO(4095),
  ERRNO(0xffff),
  0x00010000, // unknown action
];
const retArb = fc.oneof(fc.constantFrom(...RETS), fc.integer({ min: 1, max: 3999 }).map(ERRNO));

const programArb: fc.Arbitrary<Insn[]> = fc
  .tuple(
    fc.array(
      fc.record({
        kind: fc.constantFrom('ld', 'ld', 'and', 'jeq', 'jgt', 'jge', 'jset', 'jeq', 'ret'),
        word: fc.integer({ min: 0, max: 15 }).filter((w) => w !== 2 && w !== 3), // nr, arch, args; not the ip
        k: kArb,
        t: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        f: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        ret: retArb,
      }),
      { minLength: 1, maxLength: 40 },
    ),
    retArb,
  )
  .map(([items, last]) => {
    const n = items.length + 1;
    const prog = items.map((it, pc): Insn => {
      const room = n - pc - 2;
      const off = (x: number) => Math.min(255, Math.floor(x * x * (room + 1))); // short jumps more often
      if (it.kind === 'ld') return LD(it.word * 4);
      if (it.kind === 'and') return stmt(BPF_ALU | BPF_AND | BPF_K, it.k);
      if (it.kind === 'ret') return RET(it.ret);
      const op = { jeq: BPF_JEQ, jgt: BPF_JGT, jge: BPF_JGE, jset: BPF_JSET }[it.kind as 'jeq'];
      return jump(BPF_JMP | op | BPF_K, it.k, off(it.t), off(it.f));
    });
    prog.push(RET(last));
    return prog;
  });

const u64Arb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BOUNDARY64, 1n << 31n, (1n << 32n) - 1n, 0xffffffff00000000n) },
  { weight: 2, arbitrary: fc.tuple(fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 1, 39, 0x7fffffff, 0x80000000, 0xffffffff)).map(([hi, lo]) => (BigInt(hi) << 32n) | BigInt(lo)) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: MAX64 }) },
);
const nrArb = fc.oneof(fc.constantFrom(0, 1, 2, 39, 59, 334, 337, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat({ max: 0xffffffff }));
const probeArb: fc.Arbitrary<Probe> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(nrArb, fc.array(u64Arb, { minLength: 6, maxLength: 6 })).map(([nr, args]) => ({ abi: 'x86_64' as const, nr: nr === 335 || nr === 336 ? 334 : nr, args })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 600 }), fc.array(u64Arb, { minLength: 6, maxLength: 6 })).map(([nr, args]) => ({ abi: 'x32' as const, nr: (X32_SYSCALL_BIT | nr) >>> 0, args })) },
  { weight: 2, arbitrary: fc.tuple(fc.nat({ max: 500 }), fc.array(u64Arb.map((v) => v & 0xffffffffn), { minLength: 6, maxLength: 6 })).map(([nr, args]) => ({ abi: 'i386' as const, nr, args })) },
);

kernel('kernel verdicts equal the emulator: random programs', () => {
  it('for random valid programs and boundary-heavy seccomp_data', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, fc.array(probeArb, { minLength: 1, maxLength: 40 }), async (prog, probes) => {
        await agree(prog, probes);
      }),
      fcParams(120),
    );
  });

  it('for random ALU chains (checked through the exact A and X the emulator predicts)', async () => {
    const op = fc.oneof(
      fc.record({ alu: fc.constantFrom(BPF_ADD, BPF_SUB, BPF_MUL, BPF_AND, BPF_OR, BPF_XOR), src: fc.constantFrom(BPF_K, BPF_X), k: kArb }).map((o) => stmt(BPF_ALU | o.alu | o.src, o.k)),
      fc.record({ alu: fc.constantFrom(BPF_LSH, BPF_RSH), src: fc.constantFrom(BPF_K, BPF_X), k: fc.nat({ max: 31 }) }).map((o) => stmt(BPF_ALU | o.alu | o.src, o.k)),
      fc.record({ src: fc.constantFrom(BPF_K, BPF_X), k: fc.integer({ min: 1, max: 0xffffffff }) }).map((o) => stmt(BPF_ALU | BPF_DIV | o.src, o.k)),
      fc.constant(stmt(BPF_ALU | BPF_NEG, 0)),
      fc.constantFrom(stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_MISC | BPF_TXA, 0), stmt(BPF_LD | BPF_W | BPF_LEN, 0), stmt(BPF_LDX | BPF_W | BPF_LEN, 0)),
      fc.integer({ min: 0, max: 15 }).filter((w) => w !== 2 && w !== 3).map((w) => LD(w * 4)), // not the ip
      fc.tuple(fc.constantFrom(BPF_ST, BPF_STX, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM), fc.nat({ max: 15 })).map(([c, m]) => stmt(c, m)),
      kArb.map((k) => stmt(BPF_LDX | BPF_IMM, k)),
    );
    // Every scratch cell is written first, so any load order is accepted.
    const prelude: Insn[] = [LD(argLo(0)), ...Array.from({ length: 16 }, (_, m) => stmt(BPF_ST, m)), LD(argHi(0)), stmt(BPF_MISC | BPF_TAX, 0), LD(argLo(1))];
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), fc.array(probeArb, { minLength: 1, maxLength: 4 }), async (ops, probes) => {
        await exactRegisters([...prelude, ...ops], probes);
      }),
      fcParams(80),
    );
  });

  it('programs whose every path is constant are decided the same way by isConstAllow and the kernel', async () => {
    // isConstAllow has no kernel-visible output here (no CONFIG_SECCOMP_CACHE_DEBUG), but where
    // it says "always ALLOW" the kernel must allow for any argument values.
    const prog: Insn[] = [LD(4), JEQ(AUDIT_ARCH_X86_64, 1, 0), RET(SECCOMP_RET_KILL_PROCESS), LD(0), JEQ(39, 3, 0), JEQ(0, 0, 3), LD(argLo(0)), JEQ(3, 0, 1), RET(SECCOMP_RET_ALLOW), RET(ERRNO(1))];
    expect(isConstAllow(prog, AUDIT_ARCH_X86_64, 39)).toBe(true);
    expect(isConstAllow(prog, AUDIT_ARCH_X86_64, 0)).toBe(false);
    const v = await agree(prog, BOUNDARY64.map((a) => x86(39, a, a, a, a, a, a)));
    expect(new Set(v.map((x) => x.ret))).toEqual(new Set([SECCOMP_RET_ALLOW]));
  });
});

kernel('the harness itself', () => {
  it('refuses what it cannot probe: ret a, x32 numbers without the bit, the syscalls the kernel never filters', async () => {
    const allow = encodeProgram([RET(SECCOMP_RET_ALLOW)]);
    await expect(kernelVerdicts(encodeProgram([stmt(BPF_RET | BPF_A, 0)]), [x86(0)])).rejects.toThrow(/ret a/);
    await expect(kernelVerdicts(allow, [{ abi: 'x32', nr: 1, args: [] }])).rejects.toThrow(/X32_SYSCALL_BIT/);
    await expect(kernelVerdicts(allow, [x86(335)])).rejects.toThrow(/uretprobe/);
    await expect(kernelVerdicts(allow, [x86(336)])).rejects.toThrow(/uprobe/);
  });

  it('batches thousands of probes in one child', async () => {
    const prog: Insn[] = [LD(0), jump(BPF_JMP | BPF_JGT | BPF_K, 1000, 0, 1), RET(ERRNO(1)), LD(argLo(0)), jump(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1), RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_KILL_PROCESS)];
    const probes = Array.from({ length: 5000 }, (_, i) => x86(i % 1200 === 335 || i % 1200 === 336 ? 0 : i % 1200, BigInt(i)));
    await agree(prog, probes);
  });

  it('leaves no probe process behind', async () => {
    await kernelVerdicts(encodeProgram([RET(SECCOMP_RET_ALLOW)]), [x86(0)]);
    const bin = probeBinary();
    const running = readdirSync('/proc')
      .filter((p) => /^[0-9]+$/.test(p))
      .filter((p) => {
        try {
          return readlinkSync(`/proc/${p}/exe`) === bin;
        } catch {
          return false;
        }
      });
    expect(running).toEqual([]);
  });

  it('removes its temp dir on dispose', () => {
    const dir = dirname(probeBinary());
    expect(existsSync(dir)).toBe(true);
    disposeKernelHarness();
    expect(existsSync(dir)).toBe(false);
  });
});

kernel('runUnderFilter: real actions on real programs', () => {
  const allowAll = encodeProgram([RET(SECCOMP_RET_ALLOW)]);
  /** ret `action` for syscall nr, ALLOW for everything else. */
  const only = (nr: number, action: number) => encodeProgram([LD(4), JEQ(AUDIT_ARCH_X86_64, 1, 0), RET(SECCOMP_RET_KILL_PROCESS), LD(0), JEQ(nr, 0, 1), RET(action), RET(SECCOMP_RET_ALLOW)]);
  const GETPPID = 110;
  const MKDIR = 83;
  const MKDIRAT = 258;

  it('an allow-all program runs /bin/true to status 0, and passes stdin through', async () => {
    expect(await runUnderFilter(allowAll, ['/bin/true'])).toMatchObject({ status: 0, signal: null });
    expect(await runUnderFilter(allowAll, ['cat'], { input: 'through the filter' })).toMatchObject({ status: 0, stdout: 'through the filter' });
  });

  it('kill-process and trap end the process with SIGSYS (control: the same command runs without them)', async () => {
    const cmd = ['sh', '-c', 'echo $PPID']; // the shell calls getppid() to set $PPID
    const control = await runUnderFilter(only(GETPPID, ERRNO(1)), cmd);
    expect(control.status).toBe(0);
    expect(control.stdout).toMatch(/^-?[0-9]+\n$/);
    expect(await runUnderFilter(only(GETPPID, SECCOMP_RET_KILL_PROCESS), cmd)).toMatchObject({ status: null, signal: 'SIGSYS' });
    expect(await runUnderFilter(only(GETPPID, SECCOMP_RET_TRAP), cmd)).toMatchObject({ status: null, signal: 'SIGSYS' });
  });

  it('errno(EPERM) for mkdir makes mkdir fail with EPERM (control: allowed, it creates the directory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandforge-mkdir-'));
    try {
      const target = join(dir, 'made');
      const denyBoth = encodeProgram([LD(0), JEQ(MKDIR, 1, 0), JEQ(MKDIRAT, 0, 1), RET(ERRNO(1)), RET(SECCOMP_RET_ALLOW)]);
      const denied = await runUnderFilter(denyBoth, ['mkdir', target]);
      expect(denied.status).not.toBe(0);
      expect(denied.stderr).toMatch(/Operation not permitted/);
      expect(existsSync(target)).toBe(false);
      expect(await runUnderFilter(allowAll, ['mkdir', target])).toMatchObject({ status: 0 });
      expect(existsSync(target)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a program the kernel refuses is an error, and a refused execve is exit 127', async () => {
    await expect(runUnderFilter(encodeProgram([LD(3), RET(0)]), ['/bin/true'])).rejects.toThrow(/seccomp\(SECCOMP_SET_MODE_FILTER\): Invalid argument/);
    const noExec = encodeProgram([LD(0), JEQ(59, 0, 1), RET(ERRNO(1)), RET(SECCOMP_RET_ALLOW)]);
    expect(await runUnderFilter(noExec, ['/bin/true'])).toMatchObject({ status: 127, signal: null });
  });
});
