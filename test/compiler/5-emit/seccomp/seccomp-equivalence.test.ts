import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolvePolicy } from '../../../../compiler/compile.js';
import { emitSeccomp } from '../../../../compiler/5-emit/seccomp/emit-seccomp.js';
import { hasErrors } from '../../../../compiler/diagnostics/types.js';
import type { PolicyIR } from '../../../../compiler/ir/policy-ir.js';
import { AUDIT_ARCH_OF } from '../../../../compiler/5-emit/seccomp/emit-seccomp-tree.js';
import { actionToRet, decodeProgram, formatRet } from '../../../../compiler/5-emit/seccomp/bpf.js';
import { runFilter } from '../../../../compiler/5-emit/seccomp/bpf-emulate.js';
import { ABIS, syscallArgs, syscallNumber, type Abi } from '../../../../compiler/syscalls/syscall-table.js';
import { referenceVerdict } from '../../../support/seccomp-reference.js';
import { fcParams, memoryHost } from '../../../property/support.js';

// Proof (a) of docs/seccomp.md#proof: for random policies and random seccomp_data, the emitted
// BPF, run by the emulator, gives the verdict the reference interpreter derives from the IR
// (conditions evaluated by cel-js, not by our grammar).

const enc = new TextEncoder();

/** Syscalls with interesting argument types: 32-bit ints, 64-bit lengths and flags, pointers. */
const POOL = ['read', 'write', 'openat', 'socket', 'ioctl', 'clone', 'mmap', 'personality', 'kill', 'prctl', 'fcntl', 'getpid', 'futex', 'lseek', 'setsockopt'];
const GROUPS = ['@default', '@basic-io', '@process', '@network-io', '@file-system'];
const ACTIONS = ['allow', 'errno(EPERM)', 'errno(ENOSYS)', 'errno(0)', 'kill-process', 'kill-thread', 'trap', 'log'];
const CONSTS = ['AF_UNIX', 'AF_INET6', 'O_WRONLY', 'O_RDWR', 'O_CREAT', 'CLONE_NEWUSER', 'CLONE_THREAD', 'TIOCSTI', 'PROT_EXEC'];
/** Boundary-heavy 32-bit values for literals (values must fit a 32-bit argument). */
const LITS = [0n, 1n, 2n, 40n, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 0x100n, 0xffffn];

const hex = (v: bigint) => '0x' + v.toString(16);
const value = fc.oneof(fc.constantFrom(...LITS).map(hex), fc.constantFrom(...CONSTS), fc.bigInt({ min: 0n, max: 0xffffffffn }).map(hex));

function condition(maxArg: number): fc.Arbitrary<string> {
  const arg = fc.integer({ min: 0, max: maxArg - 1 }).map((i) => `args[${i}]`);
  const target = fc.oneof(arg, fc.tuple(arg, value).map(([a, m]) => `${a}.masked(${m})`));
  const atom = fc.oneof(
    fc.tuple(target, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), value).map(([a, op, v]) => `${a} ${op} ${v}`),
    fc.tuple(target, fc.array(value, { minLength: 1, maxLength: 4 })).map(([a, vs]) => `${a} in [${vs.join(', ')}]`),
    fc.tuple(arg, fc.constantFrom('hasAny', 'hasAll', 'hasNone'), fc.array(value, { minLength: 1, maxLength: 3 })).map(([a, f, vs]) => `${a}.${f}(${vs.join(', ')})`),
  );
  const { expr } = fc.letrec((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      tie('expr').map((e) => `!(${e as string})`),
      fc.tuple(tie('expr'), fc.constantFrom('&&', '||'), tie('expr')).map(([a, op, b]) => `(${a as string}) ${op} (${b as string})`),
    ),
  }));
  return expr as fc.Arbitrary<string>;
}

/** Arguments every ABI's version of every named syscall has (i386 `mmap` takes one: a struct pointer). */
const minArity = (names: string[]) => Math.min(...names.flatMap((n) => ABIS.map((abi) => syscallArgs(n, abi)?.count ?? 6)));

const rule = fc.subarray(POOL, { minLength: 1, maxLength: 3 }).chain((names) => {
  const n = minArity(names);
  return fc.record({
    names: fc.constant(names),
    when: n === 0 ? fc.constant(null) : fc.option(condition(n), { nil: null, freq: 4 }),
    action: fc.constantFrom(...ACTIONS),
  });
});

const policy = fc.record({
  def: fc.constantFrom(...ACTIONS),
  allow: fc.subarray([...POOL, ...GROUPS], { maxLength: 6 }),
  deny: fc.subarray(POOL, { maxLength: 3 }),
  rules: fc.array(rule, { maxLength: 5 }),
  compat: fc.constantFrom('deny', 'allow'),
});

function yamlOf(p: fc.RecordValue<{ def: string; allow: string[]; deny: string[]; rules: { names: string[]; when: string | null; action: string }[]; compat: string }>): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['version: 1', 'name: prop', 'extends: none', 'syscalls:', `  default: ${q(p.def)}`, `  compat: ${p.compat}`];
  if (p.allow.length) lines.push(`  allow: [${p.allow.map(q).join(', ')}]`);
  if (p.deny.length) lines.push(`  deny: [${p.deny.map(q).join(', ')}]`);
  if (p.rules.length) {
    lines.push('  rules:');
    for (const r of p.rules) {
      lines.push(`    - syscall: [${r.names.join(', ')}]`, `      action: ${q(r.action)}`);
      if (r.when) lines.push(`      when: ${q(r.when)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Resolve a policy and build its programs (an OCI export too complex for libseccomp does not matter here). */
function compileText(text: string) {
  const r = resolvePolicy('/v/p.yaml', memoryHost(new Map([['/v/p.yaml', enc.encode(text)]]), ['/v']));
  if (!r.resolved || hasErrors(r.diagnostics)) {
    throw new Error(`does not compile:\n${text}\n${r.diagnostics.map((d) => `${d.code} ${d.message} @${d.span?.line}:${d.span?.col}`).join('\n')}`);
  }
  const ir = r.resolved.ir;
  const files = emitSeccomp(ir, (w) => w.text).raw as Map<string, Uint8Array>;
  return { ir, files };
}

const U64 = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000028n, 1n << 63n, (1n << 64n) - 1n, 0xdeadbeef00000000n];
const arg64 = fc.oneof(fc.constantFrom(...U64), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v & 0xffffffffn), fc.tuple(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.constantFrom(...LITS)).map(([h, l]) => (h << 32n) | l));

const probe = fc.record({
  abi: fc.constantFrom<Abi>('x86_64', 'x86_64', 'x86_64', 'i386', 'x32', 'aarch64'),
  pick: fc.oneof(fc.constantFrom(...POOL).map((n) => ({ name: n as string | null, nr: 0 })), fc.integer({ min: 0, max: 600 }).map((nr) => ({ name: null, nr })), fc.constantFrom(0x40000000, 0x400001ff, 0xffffffff, 0x7fffffff).map((nr) => ({ name: null, nr }))),
  args: fc.array(arg64, { minLength: 6, maxLength: 6 }),
});

function check(ir: PolicyIR, files: Map<string, Uint8Array>, p: fc.RecordValue<{ abi: Abi; pick: { name: string | null; nr: number }; args: bigint[] }>): void {
  let nr = p.pick.name ? syscallNumber(p.abi, p.pick.name) : p.pick.nr;
  if (nr === undefined) return; // the name does not exist on this ABI
  if (p.abi === 'x32' && nr < 0x40000000) nr = (nr | 0x40000000) >>> 0;
  // Even i386 calls keep garbage in the upper halves: a 64-bit process can `int $0x80` with
  // full 64-bit registers and seccomp_data shows them (measured; test/kernel/seccomp-harness).
  const args = p.args;
  const arch = p.abi === 'aarch64' ? 'aarch64' : 'x86_64';
  const prog = decodeProgram(files.get(`seccomp/${arch}.bpf`)!);
  const got = runFilter(prog, { nr, arch: AUDIT_ARCH_OF[p.abi], ip: 0n, args }).ret;
  const want = actionToRet(referenceVerdict(ir, p.abi, nr, args));
  if (got !== want) {
    expect.fail(`${p.abi} nr ${nr} args [${args.map(hex).join(', ')}]: BPF says ${formatRet(got)}, reference says ${formatRet(want)}`);
  }
}

describe('seccomp: emitted BPF ≡ reference interpreter (proof a)', () => {
  it('random policies, random seccomp_data', () => {
    fc.assert(
      fc.property(policy, fc.array(probe, { minLength: 20, maxLength: 40 }), (p, probes) => {
        const { ir, files } = compileText(yamlOf(p));
        for (const pr of probes) check(ir, files, pr);
      }),
      fcParams(500),
    );
  }, 180_000);

  it('the built-in profiles, every syscall of every ABI', () => {
    for (const base of ['agent', 'strict', 'build', 'none']) {
      const { ir, files } = compileText(`version: 1\nname: b\nextends: ${base}\nsyscalls:\n  compat: allow\n`);
      fc.assert(fc.property(probe, (pr) => check(ir, files, pr)), fcParams(2000));
    }
  });
});
