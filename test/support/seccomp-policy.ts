import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { resolvePolicy } from '../../compiler/compile.js';
import { emitSeccomp } from '../../compiler/5-emit/seccomp/emit-seccomp.js';
import type { OciSeccomp } from '../../compiler/5-emit/seccomp/emit-seccomp-oci.js';
import { hasErrors } from '../../compiler/diagnostics/types.js';
import type { PolicyIR } from '../../compiler/ir/policy-ir.js';
import { actionToRet, AUDIT_ARCH_X86_64, decodeProgram, X32_SYSCALL_BIT, type Insn } from '../../compiler/5-emit/seccomp/bpf.js';
import { isKernelPassthrough } from '../../compiler/5-emit/seccomp/const-allow.js';
import type { SeccompData } from '../../compiler/5-emit/seccomp/bpf-emulate.js';
import { AUDIT_ARCH_OF } from '../../compiler/5-emit/seccomp/emit-seccomp-tree.js';
import { ABIS, syscallArgs, syscallName, type Abi } from '../../compiler/syscalls/syscall-table.js';
import { constantValue } from '../../compiler/syscalls/constants.js';
import { expandGroup } from '../../compiler/syscalls/groups.js';
import { referenceVerdict } from './seccomp-reference.js';
import type { Probe } from './seccomp-kernel.js';
import { fcParams, memoryHost } from '../property/support.js';

/**
 * Shared by the three proofs of docs/seccomp.md#proof: random policies (fast-check), the
 * compile step the proofs start from, and probe sets — every syscall number of an ABI with
 * boundary arguments taken from the policy's own conditions, plus garbage upper words.
 */

const enc = new TextEncoder();
export const hex = (v: bigint): string => '0x' + v.toString(16);
const MASK64 = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------------------------
// Random policies (proof a, and the random part of proofs b and c)

/** Syscalls with interesting argument types: 32-bit ints, 64-bit lengths and flags, pointers. */
export const POOL = ['read', 'write', 'openat', 'socket', 'ioctl', 'clone', 'mmap', 'personality', 'kill', 'prctl', 'fcntl', 'getpid', 'futex', 'lseek', 'setsockopt'];
const GROUPS = ['@default', '@basic-io', '@process', '@network-io', '@file-system'];
const ACTIONS = ['allow', 'errno(EPERM)', 'errno(ENOSYS)', 'errno(0)', 'kill-process', 'kill-thread', 'trap', 'log'];
const CONSTS = ['AF_UNIX', 'AF_INET6', 'O_WRONLY', 'O_RDWR', 'O_CREAT', 'CLONE_NEWUSER', 'CLONE_THREAD', 'TIOCSTI', 'PROT_EXEC'];
/** Boundary-heavy 32-bit values for literals (values must fit a 32-bit argument). */
export const LITS = [0n, 1n, 2n, 40n, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 0x100n, 0xffffn];

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

export interface PolicySpec {
  def: string;
  allow: string[];
  deny: string[];
  rules: { names: string[]; when: string | null; action: string }[];
  compat: string;
}

/** A random `extends: none` policy: default, allow/deny lists, rules with random conditions, compat. */
export const randomPolicy: fc.Arbitrary<PolicySpec> = fc.record({
  def: fc.constantFrom(...ACTIONS),
  allow: fc.subarray([...POOL, ...GROUPS], { maxLength: 6 }),
  deny: fc.subarray(POOL, { maxLength: 3 }),
  rules: fc.array(rule, { maxLength: 5 }),
  compat: fc.constantFrom('deny', 'allow'),
});

export function yamlOf(p: PolicySpec): string {
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

/** `n` random policies, the same ones in every run (fcParams' fixed seed). */
export function samplePolicies(n: number): PolicySpec[] {
  const { seed } = fcParams(n);
  return fc.sample(randomPolicy, { seed, numRuns: n });
}

// ---------------------------------------------------------------------------------------------
// Compiling

export interface Compiled {
  ir: PolicyIR;
  /** seccomp/<arch>.bpf and .txt, as the bundle has them. */
  files: Map<string, Uint8Array>;
  /** seccomp/oci.json's object. */
  oci: OciSeccomp;
  /** Whether the OCI export succeeded (no SF5100: conditions libseccomp's model cannot hold). */
  ociOk: boolean;
  /** Decoded seccomp/x86_64.bpf. */
  x86: Insn[];
}

/** The corpus of real profiles (test/fixtures/seccomp-corpus/). */
export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/seccomp-corpus/', import.meta.url));
export const corpusBytes = (name: string): Uint8Array => readFileSync(CORPUS_DIR + name);

/**
 * Resolves a policy text (at /v/p.yaml; `extra` files go beside it, e.g. profiles to import)
 * and builds its seccomp artifacts exactly as compilePolicy does. Throws with the diagnostics
 * if the policy does not compile. An OCI export too complex for libseccomp is reported in
 * ociOk, not thrown: proofs a and c do not need it.
 */
export function compileText(text: string, extra: Record<string, Uint8Array> = {}): Compiled {
  const files = new Map<string, Uint8Array>([['/v/p.yaml', enc.encode(text)]]);
  for (const [name, bytes] of Object.entries(extra)) files.set(`/v/${name}`, bytes);
  const r = resolvePolicy('/v/p.yaml', memoryHost(files, ['/v', ...files.keys()]));
  if (!r.resolved || hasErrors(r.diagnostics)) {
    throw new Error(`does not compile:\n${text}\n${r.diagnostics.map((d) => `${d.code} ${d.message} @${d.span?.line}:${d.span?.col}`).join('\n')}`);
  }
  const ir = r.resolved.ir;
  const art = emitSeccomp(ir, (w) => w.text);
  const fatal = art.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'SF5100');
  if (fatal.length > 0) throw new Error(`seccomp emit failed:\n${text}\n${fatal.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const bytes = new Map<string, Uint8Array>();
  for (const [k, v] of art.raw) bytes.set(k, typeof v === 'string' ? enc.encode(v) : v);
  return { ir, files: bytes, oci: art.oci, ociOk: !art.diagnostics.some((d) => d.code === 'SF5100'), x86: decodeProgram(bytes.get('seccomp/x86_64.bpf')!) };
}

/**
 * seccomp/oci.json's text (as the bundle writes it: compiler/5-emit/canonical-json.ts) read back
 * with `value`/`valueTwo` as exact bigints — JSON.parse would round them to doubles above 2^53,
 * and a 64-bit mask like 0xffffffff00000000 must reach libseccomp as written.
 */
export function parseOciJson(text: string): OciSeccomp {
  const quoted = text.replace(/"(value|valueTwo)": (\d+)/g, '"$1": "$2"');
  return JSON.parse(quoted, (k, v: unknown) => ((k === 'value' || k === 'valueTwo') && typeof v === 'string' ? BigInt(v) : v)) as OciSeccomp;
}

/** A small policy over a built-in profile, with i386/x32 allowed or not. */
export const builtinPolicy = (base: string, compat: 'allow' | 'deny'): string => `version: 1\nname: b\nextends: ${base}\nsyscalls:\n  compat: ${compat}\n`;

/** A policy that is nothing but an imported profile (file beside the policy, `#thread` for Firecracker). */
export const importPolicy = (spec: string): string =>
  `version: 1\nname: imported\nextends: none\nsyscalls:\n  import: ./${spec}\nprocess:\n  capabilities: []\n`;

// ---------------------------------------------------------------------------------------------
// Random seccomp_data (proof a)

export const U64 = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000028n, 1n << 63n, MASK64, 0xdeadbeef00000000n];
export const arg64 = fc.oneof(
  fc.constantFrom(...U64),
  fc.bigInt({ min: 0n, max: MASK64 }),
  fc.bigInt({ min: 0n, max: MASK64 }).map((v) => v & 0xffffffffn),
  fc.tuple(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.constantFrom(...LITS)).map(([h, l]) => (h << 32n) | l),
);

export interface RandomProbe {
  abi: Abi;
  pick: { name: string | null; nr: number };
  args: bigint[];
}

export const randomProbe: fc.Arbitrary<RandomProbe> = fc.record({
  abi: fc.constantFrom<Abi>('x86_64', 'x86_64', 'x86_64', 'i386', 'x32', 'aarch64'),
  pick: fc.oneof(
    fc.constantFrom(...POOL).map((n) => ({ name: n as string | null, nr: 0 })),
    fc.integer({ min: 0, max: 600 }).map((nr) => ({ name: null, nr })),
    fc.constantFrom(0x40000000, 0x400001ff, 0xffffffff, 0x7fffffff).map((nr) => ({ name: null, nr })),
  ),
  args: fc.array(arg64, { minLength: 6, maxLength: 6 }),
});

// ---------------------------------------------------------------------------------------------
// Systematic probe sets (proofs b and c): every number, boundary arguments

/** The syscall names a policy entry list covers (groups expanded). */
function namesOf(entries: readonly string[]): string[] {
  return entries.flatMap((e) => (e.startsWith('@') ? [...(expandGroup(e) ?? [])] : [e]));
}

/** name -> the `when:` texts of every rule (written or imported) that names it. */
function conditionsByName(ir: PolicyIR): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const rules = [...ir.syscalls.rules, ...(ir.syscalls.imported?.rules ?? [])];
  for (const r of rules) {
    if (r.when === null) continue;
    for (const n of namesOf(r.syscalls)) out.set(n, [...(out.get(n) ?? []), r.when]);
  }
  return out;
}

/** Generic boundaries: sign bits, word edges, all ones, and garbage above a small low word. */
const GENERIC = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n, 1n << 63n, MASK64, 0xdeadbeef00000000n, 0xdeadbeef00000028n];

/**
 * The numbers a condition text mentions (literals, and named constants resolved for `abi`),
 * each with its neighbours and with garbage or a flipped bit in the other word: the values
 * where an off-by-one comparison, a JGE/JGT mix-up or a missing word test shows.
 */
export function boundaryValues(whens: readonly string[], abi: Abi): bigint[] {
  const seen = new Set<bigint>();
  const base: bigint[] = [];
  for (const w of whens) {
    for (const m of w.matchAll(/\b(0x[0-9a-fA-F]+|[0-9]+)u?\b/g)) base.push(BigInt(m[1]!));
    for (const m of w.matchAll(/\b[A-Z][A-Z0-9_]+\b/g)) {
      const v = constantValue(abi, m[0]);
      if (v !== undefined) base.push(v);
    }
  }
  let all = 0n;
  for (const v of base) all |= v;
  base.push(all);
  for (const v of base) {
    const lo = v & 0xffffffffn;
    for (const x of [v, v - 1n, v + 1n, v ^ (1n << 32n), lo, lo | 0xdeadbeef00000000n, lo | 0xffffffff00000000n, (v & ~0xffffffffn) | ((lo + 1n) & 0xffffffffn), ~v & MASK64]) {
      if (x >= 0n && x <= MASK64) seen.add(x);
    }
  }
  for (const g of GENERIC) seen.add(g);
  return [...seen];
}

export interface ProbeSetOptions {
  /** The ABIs to probe (default all three a probe child can issue). */
  abis?: readonly ('x86_64' | 'x32' | 'i386')[];
  /** Random argument vectors per conditional syscall (default 48). */
  combos?: number;
  /** Keep the upper word 0 in every argument the kernel declares 32-bit (for 64-bit comparisons). */
  cleanUpperWords?: boolean;
  /** Highest x86_64 / i386 number to probe (default 480: past the end of every table). */
  maxNr?: number;
}

/** A probe of any ABI, aarch64 included (only the emulator can run those here). */
export interface AnyProbe {
  abi: Abi;
  nr: number;
  args: bigint[];
}

/** The numbers probed on an ABI: the whole table and past it, and numbers far outside. */
function numbersOf(abi: Abi, maxNr: number): number[] {
  const nrs: number[] = [];
  if (abi === 'x32') {
    for (let n = 0; n <= 560; n++) nrs.push((X32_SYSCALL_BIT | n) >>> 0);
    nrs.push(0x7fffffff, 0xffffffff);
    return nrs;
  }
  for (let n = 0; n <= maxNr; n++) nrs.push(n);
  nrs.push(512, 547, 1000, 0x3fffffff);
  if (abi === 'aarch64') nrs.push(0x40000000, 0xffffffff); // no x32 there: just large numbers
  return nrs.filter((nr) => !(abi === 'x86_64' && isKernelPassthrough(AUDIT_ARCH_X86_64, nr)));
}

/**
 * Deterministic probes of a policy on any ABIs: every number (numbersOf), each with argument
 * vectors. A syscall that some rule conditions gets vectors built from those conditions'
 * boundary values (each argument alone, all arguments at once, and seeded random mixes);
 * every other one a few vectors with garbage everywhere. x86_64 numbers the kernel never
 * filters (isKernelPassthrough) are left out.
 */
export function probesOn(ir: PolicyIR, abis: readonly Abi[], opts: Omit<ProbeSetOptions, 'abis'> = {}): AnyProbe[] {
  const conds = conditionsByName(ir);
  const out: AnyProbe[] = [];
  const { seed } = fcParams(1);
  for (const abi of abis) {
    for (const nr of numbersOf(abi, opts.maxNr ?? 480)) {
      const name = syscallName(abi, nr);
      const widths = name ? syscallArgs(name, abi)!.widths : [64, 64, 64, 64, 64, 64];
      const clean = (args: bigint[]) => (opts.cleanUpperWords ? args.map((a, i) => (widths[i] === 32 ? a & 0xffffffffn : a)) : args);
      const whens = name ? conds.get(name) : undefined;
      const vectors: bigint[][] = [[], [MASK64, MASK64, MASK64, MASK64, MASK64, MASK64], [0xdeadbeef00000028n, 0x100000000n, 1n << 63n, 0x80000000n, 0xffffffffn, 0xdeadbeef00000001n]];
      if (whens) {
        const vals = boundaryValues(whens, abi);
        const used = [...new Set(whens.flatMap((w) => [...w.matchAll(/args\[(\d)\]/g)].map((m) => Number(m[1]))))];
        for (const v of vals) {
          vectors.push([v, v, v, v, v, v]);
          for (const i of used) vectors.push(Array.from({ length: 6 }, (_, j) => (j === i ? v : 0n)));
        }
        const mix = fc.array(fc.constantFrom(...vals), { minLength: 6, maxLength: 6 });
        vectors.push(...fc.sample(mix, { seed: seed + nr, numRuns: opts.combos ?? 48 }));
      }
      for (const v of vectors) out.push({ abi, nr, args: clean(Array.from({ length: 6 }, (_, i) => v[i] ?? 0n)) });
    }
  }
  return out;
}

/** probesOn for the ABIs the kernel probe child can issue (x86_64, x32, i386), as harness probes. */
export function probeSet(ir: PolicyIR, opts: ProbeSetOptions = {}): Probe[] {
  return probesOn(ir, opts.abis ?? ['x86_64', 'x32', 'i386'], opts) as Probe[];
}

/** seccomp_data for a probe of any ABI (x32 calls carry AUDIT_ARCH_X86_64). */
export const anyProbeData = (p: AnyProbe): SeccompData => ({ nr: p.nr >>> 0, arch: AUDIT_ARCH_OF[p.abi], ip: 0n, args: p.args });

/** The ABI of the policy language a probe is a call of. */
export const probeAbi = (p: Probe | AnyProbe): Abi => (p.abi === 'x86_64' && p.nr >= X32_SYSCALL_BIT ? 'x32' : p.abi);

/** The reference interpreter's verdict for a probe, as a SECCOMP_RET value. */
export function expectedRet(ir: PolicyIR, p: Probe | AnyProbe): number {
  return actionToRet(referenceVerdict(ir, probeAbi(p), p.nr >>> 0, p.args));
}

export const describeProbe = (p: Probe | AnyProbe): string => `${p.abi} nr ${p.nr >= X32_SYSCALL_BIT ? '0x' + p.nr.toString(16) : p.nr}${p.nr < X32_SYSCALL_BIT || p.abi === 'x32' ? ` (${syscallName(probeAbi(p), p.nr) ?? '-'})` : ''} args [${p.args.map(hex).join(', ')}]`;
