#!/usr/bin/env node
// Generates the syscall data layer of the seccomp compiler:
//   compiler/syscalls/syscall-data.ts    syscall name -> number, kernel entry point and argument
//                                        widths, per ABI (x86_64, i386, x32, aarch64)
//   compiler/syscalls/constants-data.ts  named constants for argument conditions, per ABI
//
//   node scripts/gen-syscalls.mjs                 regenerate both files
//   node scripts/gen-syscalls.mjs --check         exit 1 when a checked-in file differs from a
//                                                 fresh generation (test/compiler/syscalls)
//   node scripts/gen-syscalls.mjs --extract SRC   rewrite compiler/syscalls/sources/linux-6.1-syscalls.txt
//                                                 from a linux-source-6.1 tree or its .tar.xz
//
// Sources (see compiler/syscalls/sources/SOURCES.md):
// - Numbers: the kernel UAPI headers of Debian 12, read through the C preprocessor and compiler of
//   each ABI so that every #if / __ARCH_WANT_* branch is taken exactly as for that target:
//   `gcc -m64|-m32|-mx32` over linux-libc-dev (asm/unistd_64.h, unistd_32.h, unistd_x32.h) and
//   `aarch64-linux-gnu-gcc` over linux-libc-dev-arm64-cross (asm/unistd.h -> asm-generic/unistd.h).
//   Values are taken from the assembly the compiler emits for `const unsigned long long v = (X);`,
//   never from a hand-written expression evaluator, so casts, sizeof (_IOR ioctl numbers) and
//   enumerators come out as the compiler sees them.
// - Debian 12's headers stop at syscall 450. Newer syscalls come from sources/x86_64-syscalls.json
//   (libseccomp's table, a fixed copy) and are mapped to the other ABIs by the unified numbering
//   rule (see ABI_EXCEPTIONS below for the rule and its exceptions).
// - Argument widths: the kernel's own prototypes (include/linux/syscalls.h) and the x86 syscall
//   tables (entry point of each number), extracted once from Debian's linux-source-6.1 into
//   sources/linux-6.1-syscalls.txt. Entry points that syscalls.h does not declare (arch-specific,
//   x32 compat, newer than 6.1) are in ENTRY_OVERRIDES below, each citing its SYSCALL_DEFINE.
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES_DIR = root + 'compiler/syscalls/sources/';
const PROTOTYPES_FILE = SOURCES_DIR + 'linux-6.1-syscalls.txt';
const NEWER_FILE = SOURCES_DIR + 'x86_64-syscalls.json';
const OUT_SYSCALLS = root + 'compiler/syscalls/syscall-data.ts';
const OUT_CONSTANTS = root + 'compiler/syscalls/constants-data.ts';

export const ABIS = ['x86_64', 'i386', 'x32', 'aarch64'];

// arch/x86/include/uapi/asm/unistd.h: x32 syscalls are the x86_64 entry with bit 30 set, and the
// kernel sees that bit in seccomp_data.nr (arch/x86/entry/common.c: do_syscall_x32).
const X32_SYSCALL_BIT = 0x40000000;

// How each ABI is compiled. Debian's x86 asm/ and glibc bits/ headers are bi-arch (they switch on
// __i386__ / __ILP32__); libc6-dev-i386 and libc6-dev-x32 add the stubs, and -idirafter lets -m32
// and -mx32 find asm/ without gcc-multilib's /usr/include/asm symlink.
const TOOLCHAINS = {
  x86_64: ['gcc', '-m64'],
  i386: ['gcc', '-m32', '-idirafter', '/usr/include/x86_64-linux-gnu'],
  x32: ['gcc', '-mx32', '-idirafter', '/usr/include/x86_64-linux-gnu'],
  aarch64: ['aarch64-linux-gnu-gcc'],
};

// ---------------------------------------------------------------------------------------------
// Syscalls newer than Debian 12's headers (> 450) and the x86-only ones added after 6.1.
//
// The unified numbering rule: since 5.1 (pidfd_send_signal = 424) every new syscall gets the same
// number on every architecture (arch/x86/entry/syscalls/syscall_32.tbl, syscall_64.tbl and
// scripts/syscall.tbl, which arm64 uses since 6.11; before that include/uapi/asm-generic/unistd.h).
// x32 takes the x86_64 number plus __X32_SYSCALL_BIT for every `common` row of syscall_64.tbl.
// So a name numbered N > 450 in the x86_64 table is N on i386 and aarch64 and X32_BIT|N on x32,
// except where ABI_EXCEPTIONS says otherwise. Checked against mainline tables (search tool):
//   453 map_shadow_stack: syscall_64.tbl has it as ABI `64` (not `common`), so x32 lacks it; i386
//       (`453 i386 map_shadow_stack`) and the generic table (`453 common map_shadow_stack`) have it.
//   451..452, 454..471: `common` in syscall_64.tbl, present in syscall_32.tbl and scripts/syscall.tbl.
// Two x86_64 numbers below 450 are also newer than 6.1 and are x86-only (no unified number):
//   335 uretprobe, 336 uprobe: `335 common uretprobe`, `336 common uprobe` in syscall_64.tbl
//       (so x86_64 and x32), absent from syscall_32.tbl and from the generic table.
const NEWER_MIN = 451;
const ABI_EXCEPTIONS = {
  map_shadow_stack: { x32: false },
  uretprobe: { i386: false, aarch64: false },
  uprobe: { i386: false, aarch64: false },
};

// ---------------------------------------------------------------------------------------------
// Entry points that include/linux/syscalls.h (6.1) does not declare. Each is the parameter list of
// the kernel's SYSCALL_DEFINEn / COMPAT_SYSCALL_DEFINEn, cited by file. The 6.1 ones were checked
// against Debian's linux-source-6.1 (6.1.192); the newer ones against mainline with the search tool.
const ENTRY_OVERRIDES = {
  // --- arch-specific, x86 and arm64 (6.1) ---
  // arch/x86/kernel/sys_x86_64.c and arch/arm64/kernel/sys.c: SYSCALL_DEFINE6(mmap, unsigned long x6).
  // Every argument is unsigned long, so even prot and fd are compared as 64-bit values.
  sys_mmap: 'unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd, unsigned long off',
  // arch/x86/kernel/signal.c: SYSCALL_DEFINE0(rt_sigreturn), SYSCALL_DEFINE0(sigreturn);
  // arch/arm64/kernel/signal.c: SYSCALL_DEFINE0(rt_sigreturn).
  sys_rt_sigreturn: '',
  sys_sigreturn: '',
  // arch/x86/kernel/ldt.c: SYSCALL_DEFINE3(modify_ldt, int, func, void __user *, ptr, unsigned long, bytecount)
  sys_modify_ldt: 'int func, void __user *ptr, unsigned long bytecount',
  // arch/x86/kernel/process_64.c (and process_32.c): SYSCALL_DEFINE2(arch_prctl, int, option, unsigned long, arg2)
  sys_arch_prctl: 'int option, unsigned long arg2',
  // arch/x86/kernel/ioport.c: SYSCALL_DEFINE1(iopl, unsigned int, level)
  sys_iopl: 'unsigned int level',
  // arch/x86/kernel/vm86_32.c: SYSCALL_DEFINE1(vm86old, ...), SYSCALL_DEFINE2(vm86, unsigned long, cmd, unsigned long, arg)
  sys_vm86old: 'struct vm86_struct __user *user_vm86',
  sys_vm86: 'unsigned long cmd, unsigned long arg',
  // arch/x86/kernel/tls.c: SYSCALL_DEFINE1(set_thread_area, ...), SYSCALL_DEFINE1(get_thread_area, ...)
  sys_set_thread_area: 'struct user_desc __user *u_info',
  sys_get_thread_area: 'struct user_desc __user *u_info',
  // arch/x86/kernel/sys_ia32.c: the i386 entries that take 64-bit values as two 32-bit halves.
  sys_ia32_truncate64: 'const char __user *filename, unsigned long offset_low, unsigned long offset_high',
  sys_ia32_ftruncate64: 'unsigned int fd, unsigned long offset_low, unsigned long offset_high',
  sys_ia32_pread64: 'unsigned int fd, char __user *ubuf, u32 count, u32 poslo, u32 poshi',
  sys_ia32_pwrite64: 'unsigned int fd, const char __user *ubuf, u32 count, u32 poslo, u32 poshi',
  sys_ia32_fadvise64_64: 'int fd, __u32 offset_low, __u32 offset_high, __u32 len_low, __u32 len_high, int advice',
  sys_ia32_readahead: 'int fd, unsigned int off_lo, unsigned int off_hi, size_t count',
  sys_ia32_sync_file_range: 'int fd, unsigned int off_low, unsigned int off_hi, unsigned int n_low, unsigned int n_hi, int flags',
  sys_ia32_fadvise64: 'int fd, unsigned int offset_lo, unsigned int offset_hi, size_t len, int advice',
  sys_ia32_fallocate: 'int fd, int mode, unsigned int offset_lo, unsigned int offset_hi, unsigned int len_lo, unsigned int len_hi',

  // --- x32-only numbers 512..547 (syscall_64.tbl ABI `x32`): COMPAT_SYSCALL_DEFINEn (6.1) ---
  // kernel/signal.c
  compat_sys_rt_sigaction: 'int sig, const struct compat_sigaction __user *act, struct compat_sigaction __user *oact, compat_size_t sigsetsize',
  compat_sys_rt_sigpending: 'compat_sigset_t __user *uset, compat_size_t sigsetsize',
  compat_sys_rt_sigtimedwait_time64: 'compat_sigset_t __user *uthese, struct compat_siginfo __user *uinfo, struct __kernel_timespec __user *uts, compat_size_t sigsetsize',
  compat_sys_rt_sigqueueinfo: 'compat_pid_t pid, int sig, struct compat_siginfo __user *uinfo',
  compat_sys_rt_tgsigqueueinfo: 'compat_pid_t tgid, compat_pid_t pid, int sig, struct compat_siginfo __user *uinfo',
  compat_sys_sigaltstack: 'const compat_stack_t __user *uss_ptr, compat_stack_t __user *uoss_ptr',
  // arch/x86/kernel/signal.c: COMPAT_SYSCALL_DEFINE0(x32_rt_sigreturn)
  compat_sys_x32_rt_sigreturn: '',
  // fs/ioctl.c
  compat_sys_ioctl: 'unsigned int fd, unsigned int cmd, compat_ulong_t arg',
  // net/compat.c
  compat_sys_recvfrom: 'int fd, void __user *buf, compat_size_t len, unsigned int flags, struct sockaddr __user *addr, int __user *addrlen',
  compat_sys_sendmsg: 'int fd, struct compat_msghdr __user *msg, unsigned int flags',
  compat_sys_recvmsg: 'int fd, struct compat_msghdr __user *msg, unsigned int flags',
  compat_sys_recvmmsg_time64: 'int fd, struct compat_mmsghdr __user *mmsg, unsigned int vlen, unsigned int flags, struct __kernel_timespec __user *timeout',
  compat_sys_sendmmsg: 'int fd, struct compat_mmsghdr __user *mmsg, unsigned int vlen, unsigned int flags',
  // fs/exec.c
  compat_sys_execve: 'const char __user *filename, const compat_uptr_t __user *argv, const compat_uptr_t __user *envp',
  compat_sys_execveat: 'int fd, const char __user *filename, const compat_uptr_t __user *argv, const compat_uptr_t __user *envp, int flags',
  // kernel/ptrace.c
  compat_sys_ptrace: 'compat_long_t request, compat_long_t pid, compat_long_t addr, compat_long_t data',
  // kernel/time/posix-timers.c
  compat_sys_timer_create: 'clockid_t which_clock, struct compat_sigevent __user *timer_event_spec, timer_t __user *created_timer_id',
  // ipc/mqueue.c
  compat_sys_mq_notify: 'mqd_t mqdes, const struct compat_sigevent __user *u_notification',
  // kernel/kexec.c
  compat_sys_kexec_load: 'compat_ulong_t entry, compat_ulong_t nr_segments, struct compat_kexec_segment __user *segments, compat_ulong_t flags',
  // kernel/exit.c
  compat_sys_waitid: 'int which, compat_pid_t pid, struct compat_siginfo __user *infop, int options, struct compat_rusage __user *uru',
  // kernel/futex/syscalls.c
  compat_sys_set_robust_list: 'struct compat_robust_list_head __user *head, compat_size_t len',
  compat_sys_get_robust_list: 'int pid, compat_uptr_t __user *head_ptr, compat_size_t __user *len_ptr',
  // fs/read_write.c
  compat_sys_preadv64: 'unsigned long fd, const struct iovec __user *vec, unsigned long vlen, loff_t pos',
  compat_sys_pwritev64: 'unsigned long fd, const struct iovec __user *vec, unsigned long vlen, loff_t pos',
  compat_sys_preadv64v2: 'unsigned long fd, const struct iovec __user *vec, unsigned long vlen, loff_t pos, rwf_t flags',
  compat_sys_pwritev64v2: 'unsigned long fd, const struct iovec __user *vec, unsigned long vlen, loff_t pos, rwf_t flags',
  // fs/aio.c
  compat_sys_io_setup: 'unsigned nr_events, u32 __user *ctx32p',
  compat_sys_io_submit: 'compat_aio_context_t ctx_id, int nr, compat_uptr_t __user *iocbpp',

  // --- newer than 6.1 (mainline, checked with the search tool) ---
  // arch/x86/kernel/uprobes.c: SYSCALL_DEFINE0(uretprobe), SYSCALL_DEFINE0(uprobe)
  sys_uretprobe: '',
  sys_uprobe: '',
  // mm/filemap.c: SYSCALL_DEFINE4(cachestat, unsigned int, fd, struct cachestat_range __user *, cstat_range, struct cachestat __user *, cstat, unsigned int, flags)
  sys_cachestat: 'unsigned int fd, struct cachestat_range __user *cstat_range, struct cachestat __user *cstat, unsigned int flags',
  // fs/open.c: SYSCALL_DEFINE4(fchmodat2, int, dfd, const char __user *, filename, umode_t, mode, unsigned int, flags)
  sys_fchmodat2: 'int dfd, const char __user *filename, umode_t mode, unsigned int flags',
  // arch/x86/kernel/shstk.c: SYSCALL_DEFINE3(map_shadow_stack, unsigned long, addr, unsigned long, size, unsigned int, flags)
  sys_map_shadow_stack: 'unsigned long addr, unsigned long size, unsigned int flags',
  // kernel/futex/syscalls.c: SYSCALL_DEFINE4(futex_wake, ...), SYSCALL_DEFINE6(futex_wait, ...), SYSCALL_DEFINE4(futex_requeue, ...)
  sys_futex_wake: 'void __user *uaddr, unsigned long mask, int nr, unsigned int flags',
  sys_futex_wait: 'void __user *uaddr, unsigned long val, unsigned long mask, unsigned int flags, struct __kernel_timespec __user *timeout, clockid_t clockid',
  sys_futex_requeue: 'struct futex_waitv __user *waiters, unsigned int flags, int nr_wake, int nr_requeue',
  // fs/namespace.c: SYSCALL_DEFINE4(statmount, ...), SYSCALL_DEFINE4(listmount, ...), SYSCALL_DEFINE5(open_tree_attr, ...)
  sys_statmount: 'const struct mnt_id_req __user *req, struct statmount __user *buf, size_t bufsize, unsigned int flags',
  sys_listmount: 'const struct mnt_id_req __user *req, u64 __user *mnt_ids, size_t nr_mnt_ids, unsigned int flags',
  sys_open_tree_attr: 'int dfd, const char __user *filename, unsigned flags, struct mount_attr __user *uattr, size_t usize',
  // security/lsm_syscalls.c: SYSCALL_DEFINE4(lsm_get_self_attr, ...), SYSCALL_DEFINE4(lsm_set_self_attr, ...), SYSCALL_DEFINE3(lsm_list_modules, ...)
  sys_lsm_get_self_attr: 'unsigned int attr, struct lsm_ctx __user *ctx, u32 __user *size, u32 flags',
  sys_lsm_set_self_attr: 'unsigned int attr, struct lsm_ctx __user *ctx, u32 size, u32 flags',
  sys_lsm_list_modules: 'u64 __user *ids, u32 __user *size, u32 flags',
  // mm/mseal.c: SYSCALL_DEFINE3(mseal, unsigned long, start, size_t, len, unsigned long, flags)
  sys_mseal: 'unsigned long start, size_t len, unsigned long flags',
  // fs/xattr.c: SYSCALL_DEFINE6(setxattrat, ...), SYSCALL_DEFINE6(getxattrat, ...), SYSCALL_DEFINE5(listxattrat, ...), SYSCALL_DEFINE4(removexattrat, ...)
  sys_setxattrat: 'int dfd, const char __user *pathname, unsigned int at_flags, const char __user *name, const struct xattr_args __user *uargs, size_t usize',
  sys_getxattrat: 'int dfd, const char __user *pathname, unsigned int at_flags, const char __user *name, struct xattr_args __user *uargs, size_t usize',
  sys_listxattrat: 'int dfd, const char __user *pathname, unsigned int at_flags, char __user *list, size_t size',
  sys_removexattrat: 'int dfd, const char __user *pathname, unsigned int at_flags, const char __user *name',
  // fs/file_attr.c: SYSCALL_DEFINE5(file_getattr, ...), SYSCALL_DEFINE5(file_setattr, ...)
  sys_file_getattr: 'int dfd, const char __user *filename, struct file_attr __user *ufattr, size_t usize, unsigned int at_flags',
  sys_file_setattr: 'int dfd, const char __user *filename, struct file_attr __user *ufattr, size_t usize, unsigned int at_flags',
  // kernel/nstree.c: SYSCALL_DEFINE4(listns, const struct ns_id_req __user *, req, u64 __user *, ns_ids, size_t, nr_ns_ids, unsigned int, flags)
  sys_listns: 'const struct ns_id_req __user *req, u64 __user *ns_ids, size_t nr_ns_ids, unsigned int flags',
  // kernel/rseq.c: SYSCALL_DEFINE0(rseq_slice_yield)
  sys_rseq_slice_yield: '',
};

// Kconfig symbols that pick between the variants syscalls.h declares for one entry point
// (arch/x86/Kconfig: X86_32 selects CLONE_BACKWARDS and ARCH_SPLIT_ARG64, COMPAT_32 selects
// OLD_SIGSUSPEND3; arch/arm64/Kconfig selects CLONE_BACKWARDS). Only used for such duplicates.
const ABI_CONFIG = {
  x86_64: new Set(['CONFIG_OLD_SIGSUSPEND3']),
  x32: new Set(['CONFIG_OLD_SIGSUSPEND3']),
  i386: new Set(['CONFIG_CLONE_BACKWARDS', 'CONFIG_ARCH_SPLIT_ARG64', 'CONFIG_OLD_SIGSUSPEND3']),
  aarch64: new Set(['CONFIG_CLONE_BACKWARDS']),
};

// ---------------------------------------------------------------------------------------------
// Argument widths. The syscall entry wrappers (SYSCALL_DEFINEx -> __se_sys_*, include/linux/
// syscalls.h: __SC_CAST / __SC_LONG) take every argument as a 64-bit register and cast it to the
// declared type, so an int argument is truncated: only its low 32 bits reach the kernel.
// 16-bit types (umode_t, old_uid_t) are truncated further; they are reported as 32 because the
// BPF compare is 32-bit at the narrowest.
const WIDTH_64 = new Set([
  'long', 'unsigned long', 'long long', 'unsigned long long', 'size_t', 'ssize_t', 'loff_t', 'off_t',
  'u64', '__u64', 's64', '__s64', 'aio_context_t', 'cap_user_header_t', 'cap_user_data_t',
  '__sighandler_t', 'old_sigset_t', '__kernel_old_time_t', 'time_t',
]);
const WIDTH_32 = new Set([
  'int', 'unsigned int', 'unsigned', 'signed int', 'short', 'unsigned short', 'char', 'unsigned char',
  'u32', '__u32', 's32', '__s32', 'uint32_t', 'int32_t', 'u16', 'u8', 'pid_t', 'uid_t', 'gid_t', 'old_uid_t', 'old_gid_t',
  'umode_t', 'key_serial_t', 'clockid_t', 'timer_t', 'qid_t', 'rwf_t', 'mqd_t', 'key_t',
  'compat_size_t', 'compat_ulong_t', 'compat_long_t', 'compat_pid_t', 'compat_uptr_t', 'compat_aio_context_t',
]);
// On i386 every register is 32-bit; a 64-bit scalar is passed as two consecutive arguments.
const SPLIT_ON_I386 = new Set(['loff_t', 'long long', 'unsigned long long', 'u64', '__u64', 's64', '__s64']);

const TYPE_WORDS = new Set(['unsigned', 'signed', 'long', 'int', 'short', 'char']);

/** 'const char __user *filename' -> { type: 'char *', name: 'filename', base: 'char', pointer: true } */
function parseParam(text) {
  const t = text.replace(/\b(const|volatile|__user|__force)\b/g, ' ').replace(/\s*\*\s*/g, ' * ').replace(/\s+/g, ' ').trim();
  const pointer = t.includes('*');
  const words = t.split(' ').filter((w) => w !== '*');
  let name = '';
  if (pointer) {
    const last = t.split(' ').at(-1);
    if (last !== '*') name = last;
  } else if (words.length >= 2 && !words.every((w) => TYPE_WORDS.has(w)) && !TYPE_WORDS.has(words.at(-1))) {
    name = words.at(-1);
  }
  const typeWords = name ? words.slice(0, -1) : words;
  let base = typeWords.join(' ');
  if (base === 'unsigned') base = 'unsigned int';
  return { base, name, pointer };
}

function splitParams(list) {
  const s = list.trim();
  if (s === '' || s === 'void') return [];
  const out = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim());
}

function widthOf(param, where) {
  if (param.pointer) return 64;
  if (WIDTH_64.has(param.base)) return 64;
  if (WIDTH_32.has(param.base)) return 32;
  // An enum argument is int-sized (landlock_add_rule's enum landlock_rule_type).
  if (param.base.startsWith('enum ')) return 32;
  throw new Error(`${where}: no width known for C type "${param.base}" (add it to WIDTH_32 or WIDTH_64)`);
}

// ---------------------------------------------------------------------------------------------
// Running the compilers.

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message} (install the packages in scripts/system-packages.json)`);
  return r;
}

function withTemp(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'sf-gen-syscalls-'));
  try { return fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** The object-like macros a translation unit defines (`cc -E -dM`). */
function macroNames(abi, source) {
  return withTemp((dir) => {
    writeFileSync(join(dir, 'm.c'), source);
    const [cc, ...flags] = TOOLCHAINS[abi];
    const r = run(cc, [...flags, '-E', '-dM', join(dir, 'm.c')]);
    if (r.status !== 0) throw new Error(`${abi}: preprocessing failed:\n${r.stderr}`);
    const names = [];
    for (const line of r.stdout.split('\n')) {
      const m = /^#define ([A-Za-z_]\w*)(\(| |$)/.exec(line);
      if (m && m[2] !== '(') names.push(m[1]);
    }
    return names;
  });
}

/** Enumerator names declared in a translation unit (personality flags, glibc's IPPROTO_*...). */
function enumeratorNames(abi, source) {
  return withTemp((dir) => {
    writeFileSync(join(dir, 'e.c'), source);
    const [cc, ...flags] = TOOLCHAINS[abi];
    const r = run(cc, [...flags, '-E', '-P', join(dir, 'e.c')]);
    if (r.status !== 0) throw new Error(`${abi}: preprocessing failed:\n${r.stderr}`);
    const names = [];
    const re = /\benum\b\s*\w*\s*\{([^{}]*)\}/g;
    let m;
    while ((m = re.exec(r.stdout))) {
      for (const item of splitParams(m[1])) {
        const n = /^([A-Za-z_]\w*)/.exec(item.trim());
        if (n) names.push(n[1]);
      }
    }
    return names;
  });
}

const INT_TYPES = 'char: 1, signed char: 1, unsigned char: 1, short: 1, unsigned short: 1, int: 1, unsigned int: 1, long: 1, unsigned long: 1, long long: 1, unsigned long long: 1';

/**
 * Evaluates integer constant expressions with the ABI's own C compiler: each name becomes
 * `const unsigned long long sfv_i = (NAME)` in a file compiled with -S, and the value is read
 * back from the emitted data directives. Names that are not integer constants (strings, pointers,
 * function calls such as glibc's SIGRTMIN) fail to compile or are filtered by _Generic and are
 * dropped. Returns name -> { value: bigint (64-bit pattern), negative: boolean }.
 */
function evaluate(abi, prelude, names) {
  let pending = [...new Set(names)];
  for (let attempt = 0; attempt < 8; attempt++) {
    const firstLine = prelude.split('\n').length + 2;
    const body = pending.map((n, i) =>
      `const unsigned long long sfv_${i} = __builtin_choose_expr(SF_ISINT(${n}), (unsigned long long)(${n}), 0ULL); ` +
      `const signed char sfn_${i} = __builtin_choose_expr(SF_ISINT(${n}), (${n}) < 0, 0); ` +
      `const signed char sfi_${i} = SF_ISINT(${n});`).join('\n');
    const source = `${prelude}\n#define SF_ISINT(x) _Generic((x), ${INT_TYPES}, default: 0)\n${body}\n`;
    const result = withTemp((dir) => {
      writeFileSync(join(dir, 'v.c'), source);
      const [cc, ...flags] = TOOLCHAINS[abi];
      const r = run(cc, [...flags, '-S', '-O0', '-w', '-fno-common', '-o', join(dir, 'v.s'), join(dir, 'v.c')]);
      return { status: r.status, stderr: r.stderr, asm: r.status === 0 ? readFileSync(join(dir, 'v.s'), 'utf8') : '' };
    });
    if (result.status !== 0) {
      const bad = new Set();
      for (const m of result.stderr.matchAll(/v\.c:(\d+):/g)) {
        const idx = Number(m[1]) - firstLine;
        if (idx >= 0 && idx < pending.length) bad.add(idx);
      }
      if (bad.size === 0) throw new Error(`${abi}: evaluation failed outside the generated lines:\n${result.stderr.slice(0, 4000)}`);
      pending = pending.filter((_, i) => !bad.has(i));
      continue;
    }
    const data = readAsmData(result.asm, abi);
    const out = new Map();
    pending.forEach((n, i) => {
      if (readInt(data, `sfi_${i}`, 1) !== 1n) return;
      out.set(n, { value: readInt(data, `sfv_${i}`, 8), negative: readInt(data, `sfn_${i}`, 1) === 1n });
    });
    return out;
  }
  throw new Error(`${abi}: could not isolate the non-constant names`);
}

/** label -> bytes, from the data directives gcc emits (x86 and aarch64 are both little-endian). */
function readAsmData(asm, abi) {
  // Directive sizes differ: `.word` is 2 bytes on x86 and 4 on aarch64.
  const sizes = abi === 'aarch64'
    ? { '.xword': 8, '.dword': 8, '.8byte': 8, '.word': 4, '.4byte': 4, '.hword': 2, '.2byte': 2, '.byte': 1 }
    : { '.quad': 8, '.8byte': 8, '.long': 4, '.4byte': 4, '.value': 2, '.word': 2, '.2byte': 2, '.byte': 1 };
  const labels = new Map();
  let current = null;
  for (const raw of asm.split('\n')) {
    const line = raw.trim();
    const label = /^(sf[vni]_\d+):$/.exec(line);
    if (label) { current = []; labels.set(label[1], current); continue; }
    if (!current) continue;
    const d = /^(\.[\w]+)\s*(.*)$/.exec(line);
    if (!d) { current = null; continue; }
    if (d[1] === '.zero') { for (let k = 0; k < Number(d[2]); k++) current.push(0); continue; }
    const size = sizes[d[1]];
    if (!size) { current = null; continue; }
    let v = BigInt.asUintN(size * 8, BigInt(d[2].trim()));
    for (let k = 0; k < size; k++) { current.push(Number(v & 0xffn)); v >>= 8n; }
  }
  return labels;
}

function readInt(data, label, size) {
  const bytes = data.get(label);
  if (!bytes || bytes.length < size) throw new Error(`no data for ${label} in the compiler output`);
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Syscall tables.

function syscallNumbers(abi) {
  const prelude = '#include <asm/unistd.h>';
  // __NR_syscalls and __NR_arch_specific_syscall are table bounds, not syscalls.
  const names = macroNames(abi, prelude).filter((n) => n.startsWith('__NR_') && n !== '__NR_syscalls' && n !== '__NR_arch_specific_syscall');
  const values = evaluate(abi, prelude, names);
  const table = new Map();
  const seen = new Map();
  for (const n of names) {
    const v = values.get(n);
    if (!v || v.negative) throw new Error(`${abi}: ${n} is not a syscall number`);
    const nr = Number(v.value);
    if (seen.has(nr)) throw new Error(`${abi}: ${n} and __NR_${seen.get(nr)} share number ${nr}`);
    seen.set(nr, n.slice('__NR_'.length));
    table.set(n.slice('__NR_'.length), nr);
  }
  return table;
}

/** aarch64 entry points, from the __SYSCALL(nr, sym) table in the cross UAPI headers. */
function aarch64EntryPoints() {
  return withTemp((dir) => {
    writeFileSync(join(dir, 'a.c'), '#define __SYSCALL(nr, sym) SFENTRY nr sym\n#include <asm/unistd.h>\n');
    const r = run(TOOLCHAINS.aarch64[0], ['-E', '-P', join(dir, 'a.c')]);
    if (r.status !== 0) throw new Error(`aarch64: preprocessing failed:\n${r.stderr}`);
    const byNr = new Map();
    for (const line of r.stdout.split('\n')) {
      const m = /^SFENTRY (\d+) (\w+)$/.exec(line.trim());
      if (m) byNr.set(Number(m[1]), m[2]);
    }
    return byNr;
  });
}

// ---------------------------------------------------------------------------------------------
// The committed extract of linux-source-6.1.

function readPrototypesFile() {
  const sections = new Map();
  let cur = null;
  for (const line of readFileSync(PROTOTYPES_FILE, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) { cur = []; sections.set(s[1], cur); continue; }
    if (!cur) throw new Error(`${PROTOTYPES_FILE}: data before the first [section]`);
    cur.push(line);
  }
  const protos = new Map();
  for (const line of sections.get('include/linux/syscalls.h') ?? []) {
    const m = /^(\w+)\(([^\t]*)\)(?:\tif (.*))?$/.exec(line);
    if (!m) throw new Error(`${PROTOTYPES_FILE}: bad prototype line: ${line}`);
    const list = protos.get(m[1]) ?? [];
    list.push({ params: m[2], cond: m[3] ? m[3].split(' && ') : [] });
    protos.set(m[1], list);
  }
  const tbl = (name) => (sections.get(name) ?? []).map((l) => {
    const [nr, abi, sname, entry, compat] = l.split('\t');
    return { nr: Number(nr), abi, name: sname, entry: entry || '', compat: compat || '' };
  });
  return { protos, tbl64: tbl('arch/x86/entry/syscalls/syscall_64.tbl'), tbl32: tbl('arch/x86/entry/syscalls/syscall_32.tbl') };
}

function condHolds(cond, config) {
  const neg = cond.startsWith('!');
  const sym = cond.replace(/^!/, '').replace(/^defined\((\w+)\)$/, '$1');
  if (!/^\w+$/.test(sym)) throw new Error(`cannot evaluate the condition "${cond}"`);
  return config.has(sym) !== neg;
}

function resolvePrototype(entry, abi, protos) {
  if (entry === '' || entry === 'sys_ni_syscall') return { params: [], implemented: false, key: 'sys_ni_syscall' };
  const override = Object.hasOwn(ENTRY_OVERRIDES, entry) ? ENTRY_OVERRIDES[entry] : undefined;
  const declared = protos.get(entry);
  if (override !== undefined && declared) throw new Error(`ENTRY_OVERRIDES.${entry} shadows its declaration in syscalls.h: remove the override`);
  let text, key = entry;
  if (override !== undefined) text = override;
  else if (!declared) throw new Error(`${abi}: no prototype for the entry point ${entry}: add it to ENTRY_OVERRIDES with the SYSCALL_DEFINE it comes from`);
  else if (declared.length === 1) text = declared[0].params;
  else {
    const live = declared.filter((d) => d.cond.every((c) => condHolds(c, ABI_CONFIG[abi])));
    if (live.length !== 1) throw new Error(`${abi}: ${entry} has ${live.length} matching declarations in syscalls.h: extend ABI_CONFIG`);
    text = live[0].params;
    // The variant is part of the key: sys_clone takes its arguments in another order on i386 and
    // aarch64 (CONFIG_CLONE_BACKWARDS) than on x86_64.
    // The default variant (every condition negative) keeps the plain name.
    const chosen = live[0].cond.filter((c) => !c.startsWith('!')).map((c) => c.replace(/^defined\((\w+)\)$/, '$1'));
    if (chosen.length) key = `${entry}@${chosen.join('+')}`;
  }
  return { params: splitParams(text).map(parseParam), implemented: true, key };
}

// ---------------------------------------------------------------------------------------------

function buildSyscalls() {
  const { protos, tbl64, tbl32 } = readPrototypesFile();
  const newer = JSON.parse(readFileSync(NEWER_FILE, 'utf8')).syscalls;

  // Entry points from the kernel's tables; the numbers must agree with the UAPI headers.
  const entries = { x86_64: new Map(), x32: new Map(), i386: new Map(), aarch64: new Map() };
  const tableNumbers = { x86_64: new Map(), x32: new Map(), i386: new Map() };
  for (const r of tbl64) {
    if (r.abi === 'common' || r.abi === '64') { entries.x86_64.set(r.name, r.entry); tableNumbers.x86_64.set(r.name, r.nr); }
    if (r.abi === 'common' || r.abi === 'x32') { entries.x32.set(r.name, r.entry); tableNumbers.x32.set(r.name, (r.nr | X32_SYSCALL_BIT) >>> 0); }
  }
  // The native column is the 32-bit kernel's function; the compat column (used by a 64-bit
  // kernel) takes the same registers.
  for (const r of tbl32) if (r.abi === 'i386') { entries.i386.set(r.name, r.entry); tableNumbers.i386.set(r.name, r.nr); }

  const tables = {};
  for (const abi of ABIS) tables[abi] = syscallNumbers(abi);
  for (const abi of ['x86_64', 'x32', 'i386']) {
    const a = [...tables[abi]].sort().join(' '), b = [...tableNumbers[abi]].sort().join(' ');
    if (a !== b) throw new Error(`${abi}: the UAPI headers and the committed syscall table of linux-source-6.1 disagree; re-extract sources/linux-6.1-syscalls.txt`);
  }
  const arm = aarch64EntryPoints();
  for (const [name, nr] of tables.aarch64) {
    if (!arm.has(nr)) throw new Error(`aarch64: no __SYSCALL entry for ${name} (${nr})`);
    entries.aarch64.set(name, arm.get(nr));
  }

  // Newer syscalls (see NEWER_MIN / ABI_EXCEPTIONS above).
  const added = [];
  for (const [name, nr] of Object.entries(newer)) {
    if (tables.x86_64.has(name)) {
      if (tables.x86_64.get(name) !== nr) throw new Error(`x86_64: ${name} is ${tables.x86_64.get(name)} in the headers but ${nr} in ${NEWER_FILE}`);
      continue;
    }
    const exc = ABI_EXCEPTIONS[name] ?? {};
    if (nr < NEWER_MIN && !ABI_EXCEPTIONS[name]) throw new Error(`${name} (${nr}) is missing from the x86_64 headers but is not a known exception: document it in ABI_EXCEPTIONS`);
    for (const abi of ABIS) {
      if (exc[abi] === false) continue;
      const n = abi === 'x32' ? (nr | X32_SYSCALL_BIT) >>> 0 : nr;
      for (const [other, v] of tables[abi]) if (v === n) throw new Error(`${abi}: ${name} would take ${n}, already used by ${other}`);
      tables[abi].set(name, n);
      entries[abi].set(name, `sys_${name}`);
    }
    added.push(name);
  }
  for (const name of Object.keys(ABI_EXCEPTIONS)) if (!added.includes(name)) throw new Error(`ABI_EXCEPTIONS.${name} was not used`);

  // Prototypes and widths for every entry of every table.
  const rows = {};
  const usedOverrides = new Set();
  const prototypes = new Map();
  for (const abi of ABIS) {
    rows[abi] = [];
    for (const [name, nr] of tables[abi]) {
      const entry = entries[abi].get(name);
      if (entry === undefined) throw new Error(`${abi}: no entry point for ${name}`);
      if (Object.hasOwn(ENTRY_OVERRIDES, entry)) usedOverrides.add(entry);
      const proto = resolvePrototype(entry, abi, protos);
      let widths;
      if (abi === 'i386') {
        let slots = 0;
        for (const p of proto.params) slots += !p.pointer && SPLIT_ON_I386.has(p.base) ? 2 : 1;
        widths = Array(slots).fill(32);
      } else {
        widths = proto.params.map((p) => widthOf(p, `${abi} ${name} (${entry})`));
      }
      if (widths.length > 6) throw new Error(`${abi}: ${name} takes ${widths.length} arguments`);
      const sig = proto.params.map((p) => (p.pointer ? `${p.base} *${p.name}` : `${p.base}${p.name ? ' ' + p.name : ''}`)).join(', ');
      const key = proto.key;
      const prev = prototypes.get(key);
      if (prev !== undefined && prev !== sig) throw new Error(`${key} resolves to two different prototypes`);
      prototypes.set(key, sig);
      rows[abi].push({ name, nr, entry: key, widths });
    }
    rows[abi].sort((a, b) => a.nr - b.nr);
  }
  const unused = Object.keys(ENTRY_OVERRIDES).filter((e) => !usedOverrides.has(e));
  if (unused.length) throw new Error(`ENTRY_OVERRIDES not used by any table: ${unused.join(', ')}`);
  return { rows, prototypes, added };
}

function renderSyscalls({ rows, prototypes, added }) {
  const width = (w) => `[${w.join(', ')}]`;
  const nr = (abi, n) => (abi === 'x32' ? `X32 | ${n & ~X32_SYSCALL_BIT}` : String(n));
  let s = '';
  s += '// @generated by scripts/gen-syscalls.mjs from the kernel UAPI headers (linux-libc-dev,\n';
  s += '// linux-libc-dev-arm64-cross), compiler/syscalls/sources/x86_64-syscalls.json and\n';
  s += '// compiler/syscalls/sources/linux-6.1-syscalls.txt. Do not edit.\n';
  s += '//\n';
  s += '// Each row: name: [number, kernel entry point, widths of the arguments (32 or 64 bits)].\n';
  s += '// x32 numbers include __X32_SYSCALL_BIT, as seccomp_data.nr carries it. i386 widths are all 32;\n';
  s += '// a 64-bit value there takes two arguments. sys_ni_syscall marks numbers the kernel reserves but\n';
  s += '// does not implement (always ENOSYS). The arity is the entry point\'s on that ABI; sys_x@CONFIG_Y is\n';
  s += '// the variant that include/linux/syscalls.h declares for sys_x under Kconfig option CONFIG_Y.\n';
  s += '// Newer than Debian 12\'s headers, taken from sources/x86_64-syscalls.json:\n';
  for (let i = 0; i < added.length; i += 8) s += `//   ${added.slice(i, i + 8).join(', ')}\n`;
  s += '// They take the x86_64 number on every ABI (the unified numbering since 424; x32 = X32 | number),\n';
  s += '// except: map_shadow_stack is not on x32 (ABI `64` in syscall_64.tbl), and uretprobe (335) and\n';
  s += '// uprobe (336) are x86_64 and x32 only.\n';
  s += 'const X32 = 0x40000000;\n\n';
  s += 'export type SyscallRow = readonly [nr: number, entry: string, widths: readonly (32 | 64)[]];\n\n';
  s += '/** The syscall table of each ABI, by number. */\n';
  s += 'export const SYSCALLS: { readonly [abi in \'x86_64\' | \'i386\' | \'x32\' | \'aarch64\']: Readonly<Record<string, SyscallRow>> } = {\n';
  for (const abi of ABIS) {
    s += `  ${abi}: {\n`;
    for (const r of rows[abi]) s += `    ${r.name}: [${nr(abi, r.nr)}, '${r.entry}', ${width(r.widths)}],\n`;
    s += '  },\n';
  }
  s += '};\n\n';
  s += '/** The C parameter list of each kernel entry point (types without const/__user). */\n';
  s += 'export const PROTOTYPES: Readonly<Record<string, string>> = {\n';
  for (const [k, v] of [...prototypes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) s += `  ${/^\w+$/.test(k) ? k : `'${k}'`}: '${v}',\n`;
  s += '};\n';
  return s;
}

// ---------------------------------------------------------------------------------------------
// Named constants.

// What a condition may name: the families the policy language documents, plus a few close kin.
const CONSTANT_PATTERN = new RegExp('^(?:' + [
  'AF_\\w+', 'PF_\\w+', 'SOCK_\\w+', 'SOL_\\w+', 'MSG_\\w+', 'SCM_\\w+', 'SHUT_\\w+', 'IPPROTO_\\w+',
  'SYS_[A-Z0-9_]+', // socketcall(2) call numbers (linux/net.h)
  'O_\\w+', 'AT_\\w+', 'F_\\w+', 'FD_\\w+', 'SEEK_\\w+', 'R_OK', 'W_OK', 'X_OK', 'RENAME_\\w+', 'RESOLVE_\\w+',
  'STATX_\\w+', 'CLOSE_RANGE_\\w+', 'FALLOC_FL_\\w+', 'SPLICE_F_\\w+',
  'CLONE_\\w+', 'CSIGNAL', 'PROT_\\w+', 'MAP_\\w+', 'MADV_\\w+', 'MREMAP_\\w+', 'MLOCK_\\w+', 'MCL_\\w+', 'MS_\\w+',
  'MFD_\\w+', 'EFD_\\w+', 'TFD_\\w+', 'SFD_\\w+', 'EPOLL\\w+', 'GRND_\\w+',
  'TIOC\\w+', 'TC\\w+', 'FIO\\w+',
  'PR_\\w+', 'PER_\\w+', 'UNAME26', 'ADDR_NO_RANDOMIZE', 'FDPIC_FUNCPTRS', 'MMAP_PAGE_ZERO', 'ADDR_COMPAT_LAYOUT',
  'READ_IMPLIES_EXEC', 'ADDR_LIMIT_32BIT', 'SHORT_INODE', 'WHOLE_SECONDS', 'STICKY_TIMEOUTS', 'ADDR_LIMIT_3GB',
  'SIG(?!_ATOMIC_)\\w+', 'SA_\\w+', 'FUTEX\\w*', 'S_I\\w+', 'KEYCTL_\\w+', 'KEY_SPEC_\\w+', 'SECCOMP_\\w+', 'IORING_\\w+',
  'CLOCK_\\w+', 'TIMER_ABSTIME', 'RLIMIT_\\w+', 'PTRACE_\\w+', 'SCHED_\\w+', 'IPC_\\w+', 'P_ALL', 'P_PID', 'P_PGID', 'P_PIDFD',
  'W(?:NOHANG|UNTRACED|STOPPED|EXITED|CONTINUED|NOWAIT)', 'MNT_\\w+', 'UMOUNT_\\w+', 'MOUNT_ATTR_\\w+', 'FSOPEN_\\w+',
  'FSMOUNT_\\w+', 'FSPICK_\\w+', 'MOVE_MOUNT_\\w+', 'OPEN_TREE_\\w+', 'LANDLOCK_\\w+', 'PIDFD_\\w+', 'KCMP_\\w+',
  'AUDIT_ARCH_\\w+',
].join('|') + ')$');

// glibc side: the names userland programs pass (SOCK_NONBLOCK, AF_*, IPPROTO_* live only here).
const LIBC_PRELUDE = `#define _GNU_SOURCE 1
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/prctl.h>
#include <sys/personality.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <time.h>
#include <sys/ptrace.h>
#include <sys/mount.h>
#include <sys/ipc.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <linux/audit.h>`;

// Kernel side: the ABI itself. Where both define a name with different values the kernel's wins
// (e.g. glibc's O_LARGEFILE is 0 on 64-bit, but the kernel flag the syscall sees is not).
const UAPI_PRELUDE = `#include <linux/types.h>
#include <linux/fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/mman.h>
#include <linux/memfd.h>
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <linux/prctl.h>
#include <linux/personality.h>
#include <asm/signal.h>
#include <linux/futex.h>
#include <linux/stat.h>
#include <linux/random.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <linux/io_uring.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/mount.h>
#include <linux/audit.h>
#include <linux/ptrace.h>
#include <linux/resource.h>
#include <linux/time.h>
#include <linux/wait.h>
#include <linux/landlock.h>
#include <linux/close_range.h>
#include <linux/fs.h>
#include <linux/eventpoll.h>
#include <linux/kcmp.h>`;

function constantsOf(abi, prelude) {
  const names = [...macroNames(abi, prelude), ...enumeratorNames(abi, prelude)].filter((n) => CONSTANT_PATTERN.test(n));
  return evaluate(abi, prelude, names);
}

function buildConstants() {
  const perAbi = {};
  const overridden = new Map(); // name -> abis where the kernel's value replaced glibc's
  const negatives = new Set();
  for (const abi of ABIS) {
    const libc = constantsOf(abi, LIBC_PRELUDE);
    const uapi = constantsOf(abi, UAPI_PRELUDE);
    const merged = new Map(libc);
    for (const [n, v] of uapi) {
      const l = libc.get(n);
      if (l && (l.value !== v.value || l.negative !== v.negative)) {
        const list = overridden.get(n) ?? [];
        list.push(abi);
        overridden.set(n, list);
      }
      merged.set(n, v);
    }
    const values = new Map();
    for (const [n, v] of merged) {
      let value = v.value;
      if (v.negative) {
        // Negative constants (AT_FDCWD = -100) are only ever passed in int arguments, which the
        // kernel truncates to 32 bits: store their 32-bit two's complement.
        if (value < 0xffffffff80000000n) throw new Error(`${abi}: ${n} is below INT32_MIN`);
        value &= 0xffffffffn;
        negatives.add(n);
      }
      values.set(n, value);
    }
    perAbi[abi] = values;
  }
  return { perAbi, overridden, negatives };
}

// Flags read best in hex, enumerations (AF_VSOCK = 40, SIGKILL = 9) in decimal.
function lit(v) {
  const singleBit = (v & (v - 1n)) === 0n;
  return v >= 0x1000n || (v >= 16n && singleBit) ? `0x${v.toString(16)}n` : `${v}n`;
}

function renderConstants({ perAbi, overridden, negatives }) {
  const all = new Set();
  for (const abi of ABIS) for (const n of perAbi[abi].keys()) all.add(n);
  const names = [...all].sort();
  const common = [], differing = [];
  for (const n of names) {
    const vs = ABIS.map((abi) => perAbi[abi].get(n));
    if (vs.every((v) => v !== undefined && v === vs[0])) common.push([n, vs[0]]);
    else differing.push([n, vs]);
  }
  let s = '';
  s += '// @generated by scripts/gen-syscalls.mjs from the kernel UAPI headers and glibc headers of each ABI\n';
  s += '// (gcc -m64/-m32/-mx32, aarch64-linux-gnu-gcc; values as the compiler computes them). Do not edit.\n';
  s += '//\n';
  s += '// Values are unsigned. Negative constants are stored as their 32-bit two\'s complement because they\n';
  s += '// are only passed in int arguments, which the kernel truncates to 32 bits:\n';
  const neg = [...negatives].sort();
  for (let i = 0; i < neg.length; i += 5) s += `//   ${neg.slice(i, i + 5).join(', ')}\n`;
  s += '// Where glibc and the kernel define a name differently, the kernel\'s value (what the syscall sees) is kept:\n';
  for (const [n, abis] of [...overridden].sort((a, b) => (a[0] < b[0] ? -1 : 1))) s += `//   ${n} (${abis.join(', ')})\n`;
  s += '\n/** Constants with the same value on x86_64, i386, x32 and aarch64. */\n';
  s += 'export const COMMON_CONSTANTS: Readonly<Record<string, bigint>> = {\n';
  for (const [n, v] of common) s += `  ${n}: ${lit(v)},\n`;
  s += '};\n\n';
  s += '/** Constants whose value differs between ABIs (or that some ABI lacks: null). Columns: x86_64, i386, x32, aarch64. */\n';
  s += 'export const ABI_CONSTANTS: Readonly<Record<string, readonly [bigint | null, bigint | null, bigint | null, bigint | null]>> = {\n';
  for (const [n, vs] of differing) s += `  ${n}: [${vs.map((v) => (v === undefined ? 'null' : lit(v))).join(', ')}],\n`;
  s += '};\n';
  return s;
}

// ---------------------------------------------------------------------------------------------
// --extract: rebuild sources/linux-6.1-syscalls.txt from a linux-source tree or tarball.

function readKernelFile(src, path) {
  if (statSync(src).isDirectory()) return readFileSync(join(src, path), 'utf8');
  const list = run('tar', ['-tJf', src]);
  const member = list.stdout.split('\n').find((m) => m.endsWith('/' + path));
  if (!member) throw new Error(`${src} has no ${path}`);
  const r = run('tar', ['-xJOf', src, member]);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

export function extractPrototypes(src) {
  const header = readKernelFile(src, 'include/linux/syscalls.h');
  const makefile = readKernelFile(src, 'Makefile');
  const ver = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL'].map((k) => new RegExp(`^${k} = (\\d+)`, 'm').exec(makefile)?.[1]).join('.');
  const out = [];
  const stack = [];
  const ignored = new Set(['!_LINUX_SYSCALLS_H', '!CONFIG_ARCH_HAS_SYSCALL_WRAPPER']);
  const lines = header.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (d) {
      const arg = d[2].trim();
      if (d[1] === 'define') { while (lines[i].trimEnd().endsWith('\\')) i++; continue; }
      if (d[1] === 'ifdef') stack.push(arg);
      else if (d[1] === 'ifndef') stack.push('!' + arg);
      else if (d[1] === 'if') stack.push(arg.replace(/\s+/g, ' '));
      else if (d[1] === 'else') { const top = stack.pop(); stack.push(top.startsWith('!') ? top.slice(1) : '!' + top); }
      else if (d[1] === 'endif') stack.pop();
      else if (d[1] === 'elif') throw new Error('syscalls.h: #elif is not handled by the extractor');
      continue;
    }
    if (!/^\s*asmlinkage\s+long\s+sys_\w+\s*\(/.test(line)) continue;
    while (!line.includes(';')) line += ' ' + lines[++i];
    const m = /asmlinkage\s+long\s+(sys_\w+)\s*\(([\s\S]*)\)\s*;/.exec(line);
    if (!m) throw new Error(`syscalls.h: cannot parse ${line}`);
    const params = m[2].replace(/\s+/g, ' ').replace(/\s*,\s*/g, ', ').replace(/\(\s+/g, '(').trim();
    const cond = stack.filter((c) => !ignored.has(c));
    out.push(`${m[1]}(${params})${cond.length ? '\tif ' + cond.join(' && ') : ''}`);
  }
  const tbl = (path) => readKernelFile(src, path).split('\n')
    .filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim().split(/\s+/).join('\t'));
  const text =
    `# Extracted by \`node scripts/gen-syscalls.mjs --extract <linux-source-${ver}>\` (see SOURCES.md).\n` +
    '# Facts only, normalised: the entry-point prototypes of include/linux/syscalls.h (with the #if\n' +
    '# conditions that select between variants), and the rows of the x86 syscall tables\n' +
    '# (number, ABI, name, entry point[, compat entry point]).\n' +
    `# Linux ${ver}\n` +
    '[include/linux/syscalls.h]\n' + out.join('\n') + '\n' +
    '[arch/x86/entry/syscalls/syscall_64.tbl]\n' + tbl('arch/x86/entry/syscalls/syscall_64.tbl').join('\n') + '\n' +
    '[arch/x86/entry/syscalls/syscall_32.tbl]\n' + tbl('arch/x86/entry/syscalls/syscall_32.tbl').join('\n') + '\n';
  return text;
}

// ---------------------------------------------------------------------------------------------

export function generate() {
  return { [OUT_SYSCALLS]: renderSyscalls(buildSyscalls()), [OUT_CONSTANTS]: renderConstants(buildConstants()) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args[0] === '--extract') {
    if (!args[1] || !existsSync(args[1])) { console.error('usage: gen-syscalls.mjs --extract <linux-source dir or .tar.xz>'); process.exit(2); }
    writeFileSync(PROTOTYPES_FILE, extractPrototypes(args[1]));
    process.exit(0);
  }
  const files = generate();
  if (args.includes('--check')) {
    const stale = Object.entries(files).filter(([f, code]) => !existsSync(f) || readFileSync(f, 'utf8') !== code).map(([f]) => f.slice(root.length));
    if (stale.length) { console.error(`stale: ${stale.join(', ')}: run node scripts/gen-syscalls.mjs`); process.exit(1); }
  } else {
    for (const [f, code] of Object.entries(files)) writeFileSync(f, code);
  }
}
