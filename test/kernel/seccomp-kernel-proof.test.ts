import { afterAll, describe, expect, it } from 'vitest';
import { SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, X32_SYSCALL_BIT, formatRet } from '../../compiler/5-emit/seccomp/bpf.js';
import { runFilter } from '../../compiler/5-emit/seccomp/bpf-emulate.js';
import { constantValue } from '../../compiler/syscalls/constants.js';
import { syscallNumber } from '../../compiler/syscalls/syscall-table.js';
import { disposeKernelHarness, kernelVerdicts, kernelVerdictsMany, probeData, seccompAvailable, type Probe } from '../support/seccomp-kernel.js';
import {
  builtinPolicy,
  compileText,
  corpusBytes,
  describeProbe,
  expectedRet,
  importPolicy,
  probeSet,
  samplePolicies,
  yamlOf,
  type Compiled,
} from '../support/seccomp-policy.js';

// Proof (c) of docs/seccomp.md#proof: the real kernel. Each policy's seccomp/x86_64.bpf is
// loaded with seccomp(SECCOMP_SET_MODE_FILTER) in a probe child (test/support/seccomp-kernel.ts:
// every `ret` rewritten to a distinct errno marker, so no probed syscall runs), and every
// probe — each x86_64 number 0..480 and far beyond, each x32 number (nr | 0x40000000), each
// i386 number through `int $0x80`, with boundary arguments taken from the policy's own
// conditions and garbage in the upper words — must get the same verdict from the kernel, from
// the emulator (runFilter) and from the reference interpreter (test/support/seccomp-reference.ts).

const avail = await seccompAvailable();
if (!avail.ok) console.warn(`skipping kernel proof of the seccomp compiler: ${avail.reason}`);
const kernel = describe.skipIf(!avail.ok);

afterAll(() => disposeKernelHarness());

interface Case {
  name: string;
  text: string;
  extra?: Record<string, Uint8Array>;
}

const BUILTINS: Case[] = ['agent', 'strict', 'build', 'none'].flatMap((b) =>
  (['allow', 'deny'] as const).map((compat) => ({ name: `extends ${b}, compat ${compat}`, text: builtinPolicy(b, compat) })),
);
const OCI_CORPUS = ['moby-default.json', 'moby-profiles-v0.2.3-default.json', 'containers-common.json'];
const CORPUS: Case[] = OCI_CORPUS.map((f) => ({ name: `import ${f}`, text: importPolicy(f), extra: { [f]: corpusBytes(f) } }));
const FIRECRACKER: Case[] = ['firecracker-x86_64.json', 'firecracker-aarch64.json'].flatMap((f) =>
  ['vmm', 'api', 'vcpu'].map((t) => ({ name: `import ${f}#${t}`, text: importPolicy(`${f}#${t}`), extra: { [f]: corpusBytes(f) } })),
);
const RANDOM: Case[] = samplePolicies(30).map((p, i) => ({ name: `random policy ${i}`, text: yamlOf(p) }));

interface Outcome {
  probes: number;
  /** Distinct kernel verdicts seen (so a program that says the same thing everywhere shows). */
  verdicts: Set<number>;
  /** Syscalls (abi:nr) whose verdict depended on the arguments. */
  argDependent: number;
  diffs: string[];
}

/** Loads every case's x86_64 program in one batch and compares kernel, emulator and reference. */
async function prove(cases: readonly Case[]): Promise<Outcome[]> {
  const compiled: Compiled[] = cases.map((c) => compileText(c.text, c.extra));
  const probes = compiled.map((c) => probeSet(c.ir));
  const verdicts = await kernelVerdictsMany(compiled.map((c, i) => ({ program: c.files.get('seccomp/x86_64.bpf')!, probes: probes[i]! })));
  return compiled.map((c, j) => {
    const diffs: string[] = [];
    const seen = new Set<number>();
    const perNr = new Map<string, Set<number>>();
    probes[j]!.forEach((p: Probe, i) => {
      const k = verdicts[j]![i]!;
      const emu = runFilter(c.x86, probeData(p, k.ip)).ret;
      const ref = expectedRet(c.ir, p);
      seen.add(k.ret);
      const key = `${p.abi}:${p.nr}`;
      perNr.set(key, (perNr.get(key) ?? new Set()).add(k.ret));
      if (k.ret !== emu || emu !== ref) {
        if (diffs.length < 20) diffs.push(`${describeProbe(p)}: kernel ${formatRet(k.ret)}, emulator ${formatRet(emu)}, reference ${formatRet(ref)}`);
      }
    });
    return { probes: probes[j]!.length, verdicts: seen, argDependent: [...perNr.values()].filter((s) => s.size > 1).length, diffs };
  });
}

function report(cases: readonly Case[], out: readonly Outcome[]): void {
  out.forEach((o, i) => {
    expect(o.diffs, `${cases[i]!.name}:\n${cases[i]!.text}`).toEqual([]);
    expect(o.probes, cases[i]!.name).toBeGreaterThan(4000);
  });
}

kernel('seccomp: kernel ≡ emulator ≡ reference interpreter (proof c)', () => {
  it('the built-in profiles (compat allow and deny), every number of x86_64, x32 and i386', async () => {
    const out = await prove(BUILTINS);
    report(BUILTINS, out);
    // Not vacuous: together they allow, deny (EPERM, and ENOSYS for agent's clone3) and kill
    // (the i386 and x32 calls under compat deny, everything but the allow-list under strict).
    const all = new Set(out.flatMap((o) => [...o.verdicts]));
    expect([...all].map(formatRet).sort()).toEqual(['ALLOW', 'ERRNO(1)', 'ERRNO(38)', 'KILL_PROCESS']);
    out.forEach((o, i) => {
      // agent (and build, which extends it) has argument rules; the probes reach both sides.
      if (/extends (agent|build)/.test(BUILTINS[i]!.name)) expect(o.argDependent, BUILTINS[i]!.name).toBeGreaterThan(0);
    });
  });

  it('Docker’s, moby/profiles’ and Podman’s default profiles, imported', async () => {
    const out = await prove(CORPUS);
    report(CORPUS, out);
    // socket and personality depend on their arguments in all three.
    for (const o of out) expect(o.argDependent).toBeGreaterThanOrEqual(2);
  });

  it.each(FIRECRACKER)('Firecracker’s filters, imported: $name', async (c) => {
    const [o] = await prove([c]);
    report([c], [o!]);
    expect(o!.verdicts.has(SECCOMP_RET_ALLOW)).toBe(true);
    expect(o!.argDependent).toBeGreaterThan(0);
  });

  it('30 random policies (the generator of proof a)', async () => {
    const out = await prove(RANDOM);
    report(RANDOM, out);
    // The sample covers argument-dependent verdicts, several actions and both compat settings.
    expect(out.filter((o) => o.argDependent > 0).length).toBeGreaterThanOrEqual(10);
    expect(new Set(out.flatMap((o) => [...o.verdicts])).size).toBeGreaterThanOrEqual(6);
  });
});

const EPERM = (SECCOMP_RET_ERRNO | 1) >>> 0;

kernel('32-bit and 64-bit arguments as the kernel reads them', () => {
  it('agent: ioctl(fd, TIOCSTI | 1 << 32) is TIOCSTI to the kernel, and is denied like it', async () => {
    const { ir, files } = compileText(builtinPolicy('agent', 'deny'));
    const ioctl = syscallNumber('x86_64', 'ioctl')!;
    const TIOCSTI = constantValue('x86_64', 'TIOCSTI')!;
    const TCGETS = constantValue('x86_64', 'TCGETS')!;
    const garbage = [0n, 1n << 32n, 0xdeadbeef00000000n, 0xffffffff00000000n];
    const probes: Probe[] = [
      ...garbage.map((g) => ({ abi: 'x86_64' as const, nr: ioctl, args: [0n, TIOCSTI | g, 0n] })),
      ...garbage.map((g) => ({ abi: 'x86_64' as const, nr: ioctl, args: [0n, TCGETS | g, 0n] })),
    ];
    const v = await kernelVerdicts(files.get('seccomp/x86_64.bpf')!, probes);
    expect(v.map((x) => formatRet(x.ret))).toEqual([...garbage.map(() => 'ERRNO(1)'), ...garbage.map(() => 'ALLOW')]);
    probes.forEach((p, i) => expect(formatRet(expectedRet(ir, p)), describeProbe(p)).toBe(formatRet(v[i]!.ret)));
  });

  // Two spellings of "length below 4 GiB". munmap's form compiles with every ABI's argument
  // list; mmap's (the brief's) needs the compiler to check conditions only against the ABIs it
  // builds programs for (i386 mmap is old_mmap(struct *), one 32-bit argument).
  it.each([
    ['munmap', 'args[1] <= 0xffffffff'],
    ['mmap', 'args[1] < 0x100000000'],
  ])('a 64-bit length is compared on both words (the CVE-2019-9893 class): %s when %s', async (syscall, when) => {
    const text = `version: 1\nname: len\nextends: none\nsyscalls:\n  default: errno(EPERM)\n  rules:\n    - syscall: ${syscall}\n      when: ${when}\n      action: allow\n`;
    const { ir, files } = compileText(text);
    const nr = syscallNumber('x86_64', syscall)!;
    // Around 2^32 with different high words; a filter that compared one word would get some wrong.
    const lengths = [0n, 1n, 0xffffffffn, 0x100000000n, 0x100000001n, 0x1ffffffffn, 0xdeadbeef00000000n, 0xdeadbeef00000001n, 0xffffffff00000000n, (1n << 64n) - 1n];
    const probes: Probe[] = lengths.map((len) => ({ abi: 'x86_64', nr, args: [0n, len, 3n, 0x22n, 0xffffffffn, 0n] }));
    const v = await kernelVerdicts(files.get('seccomp/x86_64.bpf')!, probes);
    expect(v.map((x) => formatRet(x.ret))).toEqual(lengths.map((len) => formatRet(len < 1n << 32n ? SECCOMP_RET_ALLOW : EPERM)));
    probes.forEach((p, i) => expect(expectedRet(ir, p), describeProbe(p)).toBe(v[i]!.ret));
  });

  it('with compat deny, the same numbers through int $0x80 and with the x32 bit are killed', async () => {
    const { files } = compileText(builtinPolicy('agent', 'deny'));
    const getpid = syscallNumber('x86_64', 'getpid')!;
    const v = await kernelVerdicts(files.get('seccomp/x86_64.bpf')!, [
      { abi: 'x86_64', nr: getpid, args: [] },
      { abi: 'x32', nr: (X32_SYSCALL_BIT | getpid) >>> 0, args: [] },
      { abi: 'i386', nr: syscallNumber('i386', 'getpid')!, args: [] },
    ]);
    expect(v.map((x) => x.ret)).toEqual([SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_PROCESS]);
  });
});
