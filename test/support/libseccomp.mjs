// Oracle (b) of issue 4: libseccomp as a peer compiler. The same OCI `linux.seccomp` profile is
// built by libseccomp 2.5 (Debian's libseccomp2, through koffi) into a raw BPF program, so that
// its verdicts can be compared with Sandforge's. Plain JavaScript with JSDoc types, so that
// bench/*.mjs can import it without a build.
//
// The profile is applied the way runc applies it (libcontainer/seccomp/seccomp_linux.go), since
// that is what "this OCI profile" means in practice:
// - names libseccomp does not know are skipped (returned in unknownNames), not errors;
// - a rule whose action equals the default action is skipped (libseccomp refuses it with
//   -EACCES: "the rule action equals the default action of the filter");
// - SCMP_ACT_ERRNO / SCMP_ACT_TRACE without errnoRet use EPERM (1);
// - the comparisons of one entry are ANDed in one rule, EXCEPT when the entry compares the
//   same argument more than once: libseccomp 2.5 refuses that (-EINVAL, seccomp_rule_add(3):
//   "you can only compare each argument once in a single rule"), and runc then adds one rule
//   per comparison, so the comparisons are ORed.
//
// libseccomp semantics that matter when comparing verdicts (measured with 2.5.4 here):
// - Rules for one syscall with different actions: the FIRST unconditional rule wins and a
//   later unconditional rule with another action is accepted (rc 0) and ignored; an
//   unconditional rule makes every conditional rule of that syscall dead, whatever the order;
//   two rules with the same comparisons and different actions fail with -EEXIST (thrown here,
//   as runc would fail); when conditional rules with different actions overlap, the order in
//   which libseccomp's tree tests them (not the profile order) decides — in 2.5.4 the
//   comparison on the higher argument index is tested first.
// - Comparisons are 64-bit on 64-bit arches whatever the kernel's argument width: `arg0 == 5`
//   also requires the high word to be 0, LT/GT compare the high words first, MASKED_EQ masks
//   both words. On 32-bit arches (x86 in an x86_64 filter, arm) only the low word is loaded
//   and the datum is truncated to 32 bits.
// - Rules apply to the arches already in the filter when they are added, so every arch is
//   added first. Syscall numbers in rules are native numbers and libseccomp translates them by
//   name for each arch; a name that does not exist on an arch is silently left out there.
// - An x86_64 filter without SCMP_ARCH_X32 sends x32 numbers (>= 0x40000000, except -1) to
//   the bad-arch action; with X32 they get their own rules inside the x86_64 arch block.
// - The bad-arch action defaults to SCMP_ACT_KILL (= KILL_THREAD).
// - On x86 (32-bit) socket-family rules are rewritten to socketcall(2) (seccomp_rule_add(3):
//   "internal rewriting of multiplexed syscalls").

import koffi from 'koffi';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @typedef {{ index: number, value: number | bigint, valueTwo?: number | bigint, op: string }} OciSeccompArg
 * @typedef {{ names: string[], action: string, errnoRet?: number, args?: OciSeccompArg[] }} OciSeccompSyscall
 * @typedef {{ defaultAction: string, defaultErrnoRet?: number, architectures?: string[], flags?: string[],
 *             syscalls?: OciSeccompSyscall[] }} OciSeccomp
 * @typedef {{ arch: 'x86_64' | 'aarch64', optimize: 1 | 2, badArch?: number }} LibseccompOptions
 * @typedef {{ program: Uint8Array, unknownNames: string[], notOnArch: string[] }} LibseccompBuild
 */

// include/seccomp.h of libseccomp 2.5 (enum scmp_filter_attr, enum scmp_compare, SCMP_ACT_*).
const SCMP_FLTATR_ACT_BADARCH = 2;
const SCMP_FLTATR_CTL_NNP = 3;
const SCMP_FLTATR_CTL_OPTIMIZE = 8;
const SCMP_ARCH_NATIVE = 0;
/** seccomp_syscall_resolve_name_arch's "unknown name" (other negative values are __PNR_* pseudo numbers). */
const NR_SCMP_ERROR = -1;
const EPERM = 1;

/** @type {Readonly<Record<string, number>>} */
const CMP = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** libseccomp arch tokens (AUDIT_ARCH_* except x32, which libseccomp marks without the 64-bit flag). */
/** @type {Readonly<Record<string, number>>} */
const ARCH = {
  SCMP_ARCH_X86_64: 0xc000003e,
  SCMP_ARCH_X86: 0x40000003,
  SCMP_ARCH_X32: 0x4000003e,
  SCMP_ARCH_AARCH64: 0xc00000b7,
  SCMP_ARCH_ARM: 0x40000028,
};

/**
 * Each target and the arches its kernel also runs (a profile's other arches are left out).
 * @type {Readonly<Record<'x86_64' | 'aarch64', readonly [string, ...string[]]>>}
 */
const FAMILY = {
  x86_64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  aarch64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
};

/**
 * @param {string} action
 * @param {number | undefined} errnoRet
 * @returns {number}
 */
export function ociActionToRet(action, errnoRet) {
  const data = errnoRet ?? EPERM;
  if (!Number.isInteger(data) || data < 0 || data > 0xffff) throw new RangeError(`errnoRet ${data} is not a u16`);
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return 0;
    case 'SCMP_ACT_KILL_PROCESS':
      return 0x80000000;
    case 'SCMP_ACT_TRAP':
      return 0x00030000;
    case 'SCMP_ACT_ERRNO':
      return (0x00050000 | data) >>> 0;
    case 'SCMP_ACT_TRACE':
      return (0x7ff00000 | data) >>> 0;
    case 'SCMP_ACT_LOG':
      return 0x7ffc0000;
    case 'SCMP_ACT_ALLOW':
      return 0x7fff0000;
    default:
      // SCMP_ACT_NOTIFY needs a listener fd (listenerPath): not a static verdict.
      throw new Error(`unsupported seccomp action ${action}`);
  }
}

/**
 * @typedef {{
 *   init: (def: number) => unknown,
 *   release: (ctx: unknown) => void,
 *   archAdd: (ctx: unknown, arch: number) => number,
 *   archRemove: (ctx: unknown, arch: number) => number,
 *   archNative: () => number,
 *   attrSet: (ctx: unknown, attr: number, value: number) => number,
 *   resolve: (arch: number, name: string) => number,
 *   ruleAdd: (ctx: unknown, action: number, nr: number, n: number, cmps: { arg: number, op: number, datum_a: bigint, datum_b: bigint }[]) => number,
 *   exportBpf: (ctx: unknown, fd: number) => number,
 * }} Lib
 */

/** @type {Lib | null} */
let lib = null;

/** @returns {Lib} */
function load() {
  if (lib) return lib;
  let so;
  try {
    so = koffi.load('libseccomp.so.2');
  } catch (e) {
    throw new Error(`cannot load libseccomp.so.2 (Debian package libseccomp2): ${/** @type {Error} */ (e).message}`);
  }
  koffi.struct('scmp_arg_cmp', { arg: 'unsigned int', op: 'int', datum_a: 'uint64_t', datum_b: 'uint64_t' });
  lib = {
    init: so.func('void *seccomp_init(uint32_t def_action)'),
    release: so.func('void seccomp_release(void *ctx)'),
    archAdd: so.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)'),
    archRemove: so.func('int seccomp_arch_remove(void *ctx, uint32_t arch_token)'),
    archNative: so.func('uint32_t seccomp_arch_native(void)'),
    attrSet: so.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
    resolve: so.func('int seccomp_syscall_resolve_name_arch(uint32_t arch_token, const char *name)'),
    ruleAdd: so.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const scmp_arg_cmp *arg_array)'),
    exportBpf: so.func('int seccomp_export_bpf(void *ctx, int fd)'),
  };
  return lib;
}

/**
 * @param {string} what
 * @param {number} rc
 */
function check(what, rc) {
  if (rc < 0) throw new Error(`libseccomp ${what} failed: errno ${-rc}`);
}

/**
 * @param {number | bigint | undefined} v
 * @param {string} where
 * @returns {bigint}
 */
function u64(v, where) {
  if (v === undefined) return 0n;
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new RangeError(`${where}: ${v} is not an exact integer (write large values as bigint)`);
  const b = BigInt(v);
  if (b < 0n || b >= 1n << 64n) throw new RangeError(`${where}: ${v} is not a u64`);
  return b;
}

/**
 * Builds `profile` with libseccomp and exports the raw BPF program (seccomp_export_bpf):
 * struct sock_filter[], the format of out/seccomp/<arch>.bpf.
 *
 * `arch` is the target: its arch is always in the filter (libseccomp can generate for a
 * foreign arch: the native one is swapped out), plus the profile's `architectures` of the same
 * family (x86_64: X86_64, X86, X32; aarch64: AARCH64, ARM); other arches are ignored.
 * `optimize` is SCMP_FLTATR_CTL_OPTIMIZE: 1 = rules ordered by priority and complexity
 * (libseccomp's default), 2 = binary tree sorted by syscall number. `badArch` is the
 * SECCOMP_RET value for other arches (SCMP_FLTATR_ACT_BADARCH; default KILL_THREAD).
 *
 * @param {OciSeccomp} profile
 * @param {LibseccompOptions} opts
 * @returns {LibseccompBuild}
 */
export function buildWithLibseccomp(profile, opts) {
  const L = load();
  const family = FAMILY[opts.arch];
  if (!family) throw new Error(`unknown target arch ${opts.arch}`);
  if (opts.optimize !== 1 && opts.optimize !== 2) throw new Error(`optimize must be 1 or 2, got ${opts.optimize}`);
  const target = /** @type {number} */ (ARCH[family[0]]);
  const defRet = ociActionToRet(profile.defaultAction, profile.defaultErrnoRet);
  for (const a of profile.architectures ?? []) if (!(a in ARCH) && !/^SCMP_ARCH_[A-Z0-9_]+$/.test(a)) throw new Error(`unknown architecture ${a}`);
  const arches = (profile.architectures ?? []).filter((a) => family.includes(a) && a !== family[0]).map((a) => /** @type {number} */ (ARCH[a]));

  const ctx = L.init(defRet);
  if (!ctx) throw new Error('seccomp_init failed');
  const dir = mkdtempSync(join(tmpdir(), 'sandforge-libseccomp-'));
  try {
    check('seccomp_attr_set(SCMP_FLTATR_CTL_NNP)', L.attrSet(ctx, SCMP_FLTATR_CTL_NNP, 0));
    check('seccomp_attr_set(SCMP_FLTATR_CTL_OPTIMIZE)', L.attrSet(ctx, SCMP_FLTATR_CTL_OPTIMIZE, opts.optimize));
    if (opts.badArch !== undefined) check('seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH)', L.attrSet(ctx, SCMP_FLTATR_ACT_BADARCH, opts.badArch >>> 0));
    if (L.archNative() >>> 0 !== target) {
      check('seccomp_arch_add', L.archAdd(ctx, target));
      check('seccomp_arch_remove(native)', L.archRemove(ctx, SCMP_ARCH_NATIVE));
    }
    for (const a of arches) check(`seccomp_arch_add(0x${a.toString(16)})`, L.archAdd(ctx, a));

    /** @type {Set<string>} */
    const unknown = new Set();
    /** @type {Set<string>} */
    const notOnArch = new Set();
    (profile.syscalls ?? []).forEach((entry, e) => {
      const ret = ociActionToRet(entry.action, entry.errnoRet);
      if (ret === defRet) return;
      const cmps = (entry.args ?? []).map((a, i) => {
        const op = CMP[a.op];
        if (op === undefined) throw new Error(`syscalls[${e}].args[${i}]: unknown op ${a.op}`);
        if (!Number.isInteger(a.index) || a.index < 0 || a.index > 5) throw new Error(`syscalls[${e}].args[${i}]: index ${a.index} is not 0..5`);
        return { arg: a.index, op, datum_a: u64(a.value, `syscalls[${e}].args[${i}].value`), datum_b: u64(a.valueTwo, `syscalls[${e}].args[${i}].valueTwo`) };
      });
      const repeated = new Set(cmps.map((c) => c.arg)).size !== cmps.length;
      const rules = repeated ? cmps.map((c) => [c]) : [cmps];
      for (const name of entry.names) {
        const nr = L.resolve(SCMP_ARCH_NATIVE, name);
        if (nr === NR_SCMP_ERROR) {
          unknown.add(name);
          continue;
        }
        if (L.resolve(target, name) < 0) notOnArch.add(name);
        for (const r of rules) check(`seccomp_rule_add_array(${name})`, L.ruleAdd(ctx, ret, nr, r.length, r));
      }
    });

    const path = join(dir, 'filter.bpf');
    const fd = openSync(path, 'w');
    try {
      check('seccomp_export_bpf', L.exportBpf(ctx, fd));
    } finally {
      closeSync(fd);
    }
    const program = new Uint8Array(readFileSync(path));
    return { program, unknownNames: [...unknown].sort(), notOnArch: [...notOnArch].sort() };
  } finally {
    L.release(ctx);
    rmSync(dir, { recursive: true, force: true });
  }
}
