import { describe, expect, it } from 'vitest';
import { expandGroup, groupDoc, groupMembers, groupNames } from '../../../compiler/syscalls/groups.js';
import { ABIS, isKnownSyscall, knownSyscallNames, syscallNumber } from '../../../compiler/syscalls/syscall-table.js';

const REQUIRED = [
  '@aio', '@basic-io', '@chown', '@clock', '@cpu-emulation', '@debug', '@default', '@file-system', '@io-event', '@ipc',
  '@keyring', '@known', '@memlock', '@module', '@mount', '@network-io', '@obsolete', '@pkey', '@privileged', '@process',
  '@raw-io', '@reboot', '@resources', '@sandbox', '@setuid', '@signal', '@swap', '@sync', '@system-service', '@timer',
];

// The agent profile handles these with explicit rules or conditions, or they are never needed by a
// development workload: none may be in @default (issue 4).
const NOT_IN_DEFAULT = [
  'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'bpf',
  'perf_event_open', 'userfaultfd', 'keyctl', 'add_key', 'request_key', 'kexec_load', 'kexec_file_load', 'init_module',
  'finit_module', 'delete_module', 'mount', 'umount', 'umount2', 'pivot_root', 'chroot', 'unshare', 'setns',
  'open_by_handle_at', 'name_to_handle_at', 'memfd_create', 'memfd_secret', 'clone3', 'ioctl', 'personality', 'clone',
  'socket', 'socketcall', 'acct', 'swapon', 'swapoff', 'reboot', 'settimeofday', 'clock_settime', 'clock_settime64',
  'adjtimex', 'clock_adjtime', 'stime', 'iopl', 'ioperm', 'lookup_dcookie', 'quotactl', 'quotactl_fd', 'fanotify_init',
  'syslog', 'vhangup', 'nfsservctl', 'uselib', '_sysctl', 'vm86', 'vm86old', 'modify_ldt', 'fsopen', 'fsmount',
  'fsconfig', 'fspick', 'move_mount', 'open_tree', 'open_tree_attr', 'mount_setattr', 'mbind', 'set_mempolicy',
  'set_mempolicy_home_node', 'migrate_pages', 'move_pages', 'kcmp', 'pidfd_getfd', 'sethostname', 'setdomainname',
];

// Every distinct syscall made while running, under `strace -f` on Debian 12 (x86_64): make + gcc
// compiling and linking a C file, git init/add/commit/status/log, python3 (tempfile, shutil,
// sqlite3, subprocess, multiprocessing.Pool, threading, asyncio, socketpair, a listening TCP
// socket), node (fs, child_process, worker_threads, fs.watch, crypto, zlib, a TCP server and
// client on 127.0.0.1), npm --version, npm init, npm pack, bash (pipes, command substitution,
// background job), and coreutils/findutils/tar/sed/grep (ls cp mv ln chmod stat du df touch mkdir
// find xargs tar sed cat wc rm id env readlink sha256sum timeout).
const OBSERVED_WORKLOAD = [
  'access', 'arch_prctl', 'bind', 'brk', 'capget', 'chdir', 'chmod', 'clock_nanosleep', 'clone', 'clone3', 'close',
  'close_range', 'connect', 'copy_file_range', 'dup', 'dup2', 'dup3', 'epoll_create1', 'epoll_ctl', 'epoll_pwait',
  'epoll_wait', 'eventfd2', 'execve', 'exit', 'exit_group', 'faccessat2', 'fadvise64', 'fchdir', 'fchmod', 'fchmodat',
  'fchown', 'fcntl', 'fdatasync', 'fstatfs', 'fsync', 'ftruncate', 'futex', 'getcwd', 'getdents64', 'getegid',
  'geteuid', 'getgid', 'getgroups', 'getpeername', 'getpgrp', 'getpid', 'getppid', 'getrandom', 'getrlimit',
  'getrusage', 'getsockname', 'getsockopt', 'gettid', 'getuid', 'inotify_add_watch', 'inotify_init1',
  'inotify_rm_watch', 'ioctl', 'kill', 'linkat', 'listen', 'lseek', 'madvise', 'mkdir', 'mkdirat', 'mmap', 'mprotect',
  'mremap', 'munmap', 'newfstatat', 'openat', 'pipe2', 'poll', 'prctl', 'pread64', 'prlimit64', 'pselect6', 'pwrite64',
  'read', 'readlink', 'readlinkat', 'recvfrom', 'rename', 'renameat', 'rseq', 'rt_sigaction', 'rt_sigprocmask',
  'rt_sigreturn', 'rt_sigsuspend', 'sched_getaffinity', 'sched_yield', 'sendto', 'set_robust_list', 'set_tid_address',
  'setitimer', 'setpgid', 'setsockopt', 'shutdown', 'sigaltstack', 'socket', 'socketpair', 'statfs', 'statx',
  'symlinkat', 'sysinfo', 'timer_create', 'timer_delete', 'timer_settime', 'umask', 'uname', 'unlink', 'unlinkat',
  'utimensat', 'vfork', 'wait4', 'write', 'writev',
];

// What the agent profile adds with conditions or explicit rules (policies/agent.yaml).
const AGENT_CONDITIONAL = new Set(['clone', 'clone3', 'ioctl', 'socket', 'personality']);

describe('syscall groups', () => {
  it('has the groups the policy language documents', () => {
    for (const g of REQUIRED) expect(groupNames(), g).toContain(g);
    expect([...groupNames()].sort()).toEqual(groupNames());
  });

  it('every group expands to a sorted list of distinct names, each in at least one syscall table', () => {
    for (const g of groupNames()) {
      const names = expandGroup(g)!;
      expect(names.length, g).toBeGreaterThan(0);
      expect([...new Set(names)].sort(), g).toEqual(names);
      for (const n of names) expect(isKnownSyscall(n), `${g}: ${n}`).toBe(true);
      expect(groupDoc(g).length, g).toBeGreaterThan(20);
    }
  });

  it('direct members name known syscalls or existing groups', () => {
    for (const g of groupNames()) {
      for (const m of groupMembers(g)!) {
        if (m.startsWith('@')) expect(groupNames(), `${g} includes ${m}`).toContain(m);
        else expect(isKnownSyscall(m), `${g}: ${m}`).toBe(true);
      }
    }
  });

  it('groups that include groups contain all their members', () => {
    for (const g of groupNames()) {
      const all = new Set(expandGroup(g));
      for (const m of groupMembers(g)!) {
        for (const n of m.startsWith('@') ? expandGroup(m)! : [m]) expect(all.has(n), `${g} lacks ${n} of ${m}`).toBe(true);
      }
    }
    expect(expandGroup('@aio')).toEqual([...expandGroup('@aio-legacy')!, ...expandGroup('@io-uring')!].sort());
  });

  it('@known is every syscall of every table', () => {
    expect(expandGroup('@known')).toEqual(knownSyscallNames());
  });

  it('unknown names and names without @ are not groups', () => {
    for (const n of ['@nope', 'default', 'ipc', '@', '__proto__', '@__proto__', '@constructor', 'constructor']) {
      expect(expandGroup(n), n).toBeUndefined();
      expect(groupDoc(n), n).toBe('');
    }
  });
});

describe('@default: the agent profile\'s allow-list', () => {
  const def = new Set(expandGroup('@default'));

  it('says what it is for', () => {
    expect(groupDoc('@default')).toMatch(/agent profile/);
  });

  it('leaves out everything the agent profile handles itself or never needs', () => {
    for (const n of NOT_IN_DEFAULT) {
      expect(isKnownSyscall(n), n).toBe(true);
      expect(def.has(n), n).toBe(false);
    }
    for (const g of ['@module', '@reboot', '@swap', '@clock', '@raw-io', '@mount', '@keyring', '@io-uring', '@obsolete', '@debug', '@cpu-emulation']) {
      for (const n of expandGroup(g)!) expect(def.has(n), `${g}: ${n}`).toBe(false);
    }
  });

  it('covers every syscall a recorded development workload made, except what the agent profile adds with conditions', () => {
    for (const n of OBSERVED_WORKLOAD) {
      expect(isKnownSyscall(n), n).toBe(true);
      if (!AGENT_CONDITIONAL.has(n)) expect(def.has(n), n).toBe(true);
    }
  });

  it('has the old and the new spelling of each call, so that every ABI finds its own', () => {
    for (const [a, b] of [['open', 'openat'], ['stat', 'statx'], ['fork', 'vfork'], ['select', 'pselect6'], ['_llseek', 'lseek'], ['mmap2', 'mmap'], ['fstatat64', 'newfstatat']]) {
      expect(def.has(a!), a).toBe(true);
      expect(def.has(b!), b).toBe(true);
    }
    // Every ABI keeps the essentials under its own name.
    for (const abi of ABIS) {
      const present = [...def].filter((n) => syscallNumber(abi, n) !== undefined);
      expect(present.length, abi).toBeGreaterThan(250);
      for (const n of ['read', 'write', 'openat', 'close', 'execve', 'exit_group', 'futex', 'rt_sigaction', 'wait4', 'pipe2', 'getdents64']) {
        expect(present, `${abi} ${n}`).toContain(n);
      }
    }
  });

  it('@system-service is @default plus the conditionally handled calls', () => {
    const svc = new Set(expandGroup('@system-service'));
    for (const n of def) expect(svc.has(n), n).toBe(true);
    for (const n of AGENT_CONDITIONAL) expect(svc.has(n), n).toBe(true);
  });
});

/** docs/syscall-groups.md, rendered from groups.ts. */
function renderGroupsDoc(): string {
  const abiNote = (n: string): string => {
    const on = ABIS.filter((abi) => syscallNumber(abi, n) !== undefined);
    if (on.length === ABIS.length) return '';
    return on.length === 1 ? ` (${on[0]} only)` : ` (not ${ABIS.filter((a) => !on.includes(a)).join(', ')})`;
  };
  const code = (s: string) => `\`${s}\``;
  let s = '# Syscall groups\n\n';
  s += '<!-- Generated from compiler/syscalls/groups.ts by test/compiler/syscalls/groups.test.ts.\n';
  s += '     After editing the groups: npx vitest run test/compiler/syscalls/groups.test.ts -u -->\n\n';
  s += 'A policy names a group with `@` wherever it names a syscall: `syscalls.allow`, `syscalls.deny`\n';
  s += 'and `syscalls.rules[].syscall`. The set names and their purpose follow systemd\'s\n';
  s += '`SystemCallFilter=` sets (systemd.exec(5)); the members are Sandforge\'s own. A group may include\n';
  s += 'other groups. Names are the union of the x86_64, i386, x32 and aarch64 tables: a syscall an ABI\n';
  s += 'lacks (for example `open` on aarch64) is simply not part of that ABI\'s filter.\n\n';
  s += '| group | purpose |\n| --- | --- |\n';
  for (const g of groupNames()) s += `| [${code(g)}](#${g.slice(1)}) | ${groupDoc(g)} |\n`;
  for (const g of groupNames()) {
    s += `\n## ${g}\n\n${groupDoc(g)}\n\n`;
    if (g === '@known') {
      s += `${expandGroup(g)!.length} syscalls: every name of compiler/syscalls/syscall-data.ts.\n`;
      continue;
    }
    const sub = groupMembers(g)!.filter((m) => m.startsWith('@'));
    if (sub.length) s += `Includes ${sub.map(code).join(', ')}.\n\n`;
    const names = expandGroup(g)!;
    s += `${names.length} syscalls: ${names.map((n) => code(n) + abiNote(n)).join(', ')}.\n`;
  }
  return s;
}

describe('docs/syscall-groups.md', () => {
  it('lists every group with its purpose and members, as groups.ts defines them', async () => {
    await expect(renderGroupsDoc()).toMatchFileSnapshot('../../../docs/syscall-groups.md');
  });
});
