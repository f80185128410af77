import { knownSyscallNames } from './syscall-table.js';

/**
 * Named sets of syscalls (`allow: ["@default", "@network-io"]`), in the spirit of systemd's
 * SystemCallFilter= sets: the set names and their purpose follow systemd.exec(5); the member
 * lists are Sandforge's own, written from what each syscall does. A group may include other
 * groups. Names are the union over the four ABIs: a name an ABI lacks (open on aarch64,
 * socketcall off i386) is skipped when that ABI's filter is built.
 *
 * docs/syscall-groups.md lists every group with its members; a test keeps it up to date.
 */
export interface GroupDefinition {
  readonly doc: string;
  /** Syscall names and @groups. */
  readonly members: readonly string[];
}

const GROUPS: Readonly<Record<string, GroupDefinition>> = {
  '@aio': {
    doc: 'Asynchronous I/O: the legacy Linux AIO interface and io_uring.',
    members: ['@aio-legacy', '@io-uring'],
  },
  '@aio-legacy': {
    doc: 'The legacy Linux AIO interface (io_setup(2) and friends); it reaches no object that read/write could not.',
    members: ['io_cancel', 'io_destroy', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64', 'io_setup', 'io_submit'],
  },
  '@io-uring': {
    doc: 'io_uring: a second syscall interface whose operations seccomp never sees; a long record of kernel vulnerabilities.',
    members: ['io_uring_enter', 'io_uring_register', 'io_uring_setup'],
  },
  '@base': {
    doc: 'What every process needs to run at all: its own identity, time, memory mappings, futexes, thread setup and exit.',
    members: [
      'arch_prctl', 'brk', 'clock_getres', 'clock_getres_time64', 'clock_gettime', 'clock_gettime64',
      'clock_nanosleep', 'clock_nanosleep_time64', 'exit', 'exit_group', 'futex', 'futex_requeue',
      'futex_time64', 'futex_wait', 'futex_waitv', 'futex_wake', 'get_robust_list', 'get_thread_area',
      'getegid', 'getegid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getgroups', 'getgroups32',
      'getpid', 'getppid', 'getrandom', 'getresgid', 'getresgid32', 'getresuid', 'getresuid32', 'getrlimit',
      'gettid', 'gettimeofday', 'getuid', 'getuid32', 'membarrier', 'mmap', 'mmap2', 'mprotect', 'munmap',
      'nanosleep', 'pause', 'prlimit64', 'restart_syscall', 'rseq', 'rseq_slice_yield', 'rt_sigreturn',
      'sched_getaffinity', 'sched_yield', 'set_robust_list', 'set_thread_area', 'set_tid_address',
      'sigreturn', 'time', 'ugetrlimit', 'uname', 'olduname', 'oldolduname',
    ],
  },
  '@basic-io': {
    doc: 'Reading, writing, seeking and closing file descriptors the process already has.',
    members: [
      '_llseek', 'close', 'close_range', 'dup', 'dup2', 'dup3', 'lseek', 'pread64', 'preadv', 'preadv2',
      'pwrite64', 'pwritev', 'pwritev2', 'read', 'readv', 'write', 'writev',
    ],
  },
  '@chown': {
    doc: 'Changing the owner of files. Without CAP_CHOWN a process can only set the group to one of its own.',
    members: ['chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32'],
  },
  '@clock': {
    doc: 'Setting the system clock (needs CAP_SYS_TIME; the clock is not namespaced).',
    members: ['adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_settime', 'clock_settime64', 'settimeofday', 'stime'],
  },
  '@cpu-emulation': {
    doc: 'x86 segment and virtual-8086 mode setup, used by emulators (DOSEMU, Wine on i386).',
    members: ['modify_ldt', 'vm86', 'vm86old'],
  },
  '@debug': {
    doc: 'Inspecting and controlling other processes, performance counters and tracing.',
    members: [
      'kcmp', 'lookup_dcookie', 'perf_event_open', 'pidfd_getfd', 'process_madvise', 'process_vm_readv',
      'process_vm_writev', 'ptrace',
    ],
  },
  '@file-system': {
    doc: 'Opening, creating, renaming, linking, removing and inspecting files and directories, their attributes and change notification (inotify).',
    members: [
      'access', 'cachestat', 'chdir', 'chmod', 'creat', 'faccessat', 'faccessat2', 'fallocate', 'fchdir',
      'fchmod', 'fchmodat', 'fchmodat2', 'fcntl', 'fcntl64', 'fgetxattr', 'file_getattr', 'file_setattr',
      'flistxattr', 'fremovexattr', 'fsetxattr', 'fstat', 'fstat64', 'fstatat64', 'fstatfs', 'fstatfs64',
      'ftruncate', 'ftruncate64', 'futimesat', 'getcwd', 'getdents', 'getdents64', 'getxattr', 'getxattrat',
      'inotify_add_watch', 'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'lgetxattr', 'link', 'linkat',
      'listxattr', 'listxattrat', 'llistxattr', 'lremovexattr', 'lsetxattr', 'lstat', 'lstat64', 'mkdir',
      'mkdirat', 'mknod', 'mknodat', 'newfstatat', 'oldfstat', 'oldlstat', 'oldstat', 'open', 'openat',
      'openat2', 'readdir', 'readlink', 'readlinkat', 'removexattr', 'removexattrat', 'rename', 'renameat',
      'renameat2', 'rmdir', 'setxattr', 'setxattrat', 'stat', 'stat64', 'statfs', 'statfs64', 'statx',
      'symlink', 'symlinkat', 'truncate', 'truncate64', 'unlink', 'unlinkat', 'utime', 'utimensat',
      'utimensat_time64', 'utimes',
    ],
  },
  '@file-transfer': {
    doc: 'Copying data between file descriptors inside the kernel (cp, node\'s fs.copyFile).',
    members: ['copy_file_range', 'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice'],
  },
  '@io-event': {
    doc: 'Waiting for events on file descriptors: select, poll, epoll, eventfd.',
    members: [
      '_newselect', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_pwait', 'epoll_pwait2', 'epoll_wait', 'eventfd', 'eventfd2', 'poll', 'ppoll', 'ppoll_time64', 'pselect6',
      'pselect6_time64', 'select',
    ],
  },
  '@ipc': {
    doc: 'Inter-process communication: pipes, System V and POSIX message queues, semaphores and shared memory, memory file descriptors (memfd_create, memfd_secret), cross-process memory access.',
    members: [
      'ipc', 'memfd_create', 'memfd_secret', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedreceive_time64',
      'mq_timedsend', 'mq_timedsend_time64', 'mq_unlink', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'pipe', 'pipe2',
      'process_vm_readv', 'process_vm_writev', 'semctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64',
      'shmat', 'shmctl', 'shmdt', 'shmget',
    ],
  },
  '@keyring': {
    doc: 'The kernel keyring: adding, requesting and managing keys (keyrings are not namespaced).',
    members: ['add_key', 'keyctl', 'request_key'],
  },
  '@memlock': {
    doc: 'Locking memory into RAM (bounded by RLIMIT_MEMLOCK without CAP_IPC_LOCK).',
    members: ['mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall'],
  },
  '@memory': {
    doc: 'Managing the process\'s own address space beyond @base: remapping, advice, residency, sealing, shadow stacks.',
    members: [
      'madvise', 'map_shadow_stack', 'mincore', 'mremap', 'mseal', 'remap_file_pages',
    ],
  },
  '@module': {
    doc: 'Loading and unloading kernel modules.',
    members: ['create_module', 'delete_module', 'finit_module', 'get_kernel_syms', 'init_module', 'query_module'],
  },
  '@mount': {
    doc: 'Mounting, unmounting and changing the root: the classic mount(2) and the file-descriptor based mount API, and listing mounts.',
    members: [
      'chroot', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'listmount', 'mount', 'mount_setattr', 'move_mount',
      'open_tree', 'open_tree_attr', 'pivot_root', 'statmount', 'umount', 'umount2',
    ],
  },
  '@network-io': {
    doc: 'Sockets: creating, connecting, sending and receiving.',
    members: [
      'accept', 'accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt', 'listen', 'recvfrom',
      'recvmmsg', 'recvmmsg_time64', 'recvmsg', 'sendmmsg', 'sendmsg', 'sendto', 'setsockopt', 'shutdown',
      'socket', 'socketcall', 'socketpair',
    ],
  },
  '@numa': {
    doc: 'NUMA memory placement: setting memory policies and moving pages, including another process\'s.',
    members: ['get_mempolicy', 'mbind', 'migrate_pages', 'move_pages', 'set_mempolicy', 'set_mempolicy_home_node'],
  },
  '@obsolete': {
    doc: 'Syscalls the kernel no longer implements or that only old binaries use.',
    members: [
      '_sysctl', 'afs_syscall', 'bdflush', 'break', 'create_module', 'epoll_ctl_old', 'epoll_wait_old', 'ftime',
      'get_kernel_syms', 'getpmsg', 'gtty', 'idle', 'lock', 'mpx', 'nfsservctl', 'prof', 'profil', 'putpmsg',
      'query_module', 'security', 'sgetmask', 'ssetmask', 'stty', 'sysfs', 'tuxcall', 'ulimit', 'uselib',
      'ustat', 'vserver',
    ],
  },
  '@pkey': {
    doc: 'Memory protection keys: a process restricting access to its own pages.',
    members: ['pkey_alloc', 'pkey_free', 'pkey_mprotect'],
  },
  '@privileged': {
    doc: 'Operations that need a capability the sandbox does not grant, or that act on the whole host.',
    members: [
      '@chown', '@clock', '@module', '@mount', '@raw-io', '@reboot', '@swap', '_sysctl', 'acct', 'bpf', 'capset',
      'fanotify_init', 'fanotify_mark', 'lookup_dcookie', 'name_to_handle_at', 'nfsservctl', 'open_by_handle_at',
      'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'syslog', 'userfaultfd', 'vhangup',
    ],
  },
  '@process': {
    doc: 'Creating, executing, waiting for and signalling processes; process attributes; namespaces.',
    members: [
      'capget', 'clone', 'clone3', 'execve', 'execveat', 'fork', 'getpgid', 'getpgrp', 'getpriority', 'getrusage',
      'getsid', 'kill', 'listns', 'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr', 'pidfd_open',
      'pidfd_send_signal', 'prctl', 'process_mrelease', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'setns',
      'setpgid', 'setsid', 'tgkill', 'times', 'tkill', 'umask', 'unshare', 'vfork', 'wait4', 'waitid', 'waitpid',
    ],
  },
  '@raw-io': {
    doc: 'Direct access to I/O ports.',
    members: ['ioperm', 'iopl'],
  },
  '@reboot': {
    doc: 'Rebooting and loading a new kernel.',
    members: ['kexec_file_load', 'kexec_load', 'reboot'],
  },
  '@resources': {
    doc: 'Changing scheduling, priorities, CPU affinity, I/O priority, resource limits and NUMA placement.',
    members: [
      '@numa', 'ioprio_get', 'ioprio_set', 'nice', 'sched_get_priority_max', 'sched_get_priority_min',
      'sched_getattr', 'sched_getparam', 'sched_getscheduler', 'sched_rr_get_interval',
      'sched_rr_get_interval_time64', 'sched_setaffinity', 'sched_setattr', 'sched_setparam',
      'sched_setscheduler', 'setpriority', 'setrlimit',
    ],
  },
  '@sandbox': {
    doc: 'A process restricting itself further: seccomp filters and Landlock rulesets.',
    members: ['landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'seccomp'],
  },
  '@setuid': {
    doc: 'Changing user and group IDs. Without CAP_SETUID/CAP_SETGID a process can only switch among its own IDs.',
    members: [
      'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32', 'setgid', 'setgid32', 'setgroups', 'setgroups32',
      'setregid', 'setregid32', 'setresgid', 'setresgid32', 'setresuid', 'setresuid32', 'setreuid', 'setreuid32',
      'setuid', 'setuid32',
    ],
  },
  '@signal': {
    doc: 'Installing signal handlers, masking, waiting for signals and signalfd.',
    members: [
      'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64',
      'sigaction', 'sigaltstack', 'signal', 'signalfd', 'signalfd4', 'sigpending', 'sigprocmask', 'sigsuspend',
    ],
  },
  '@swap': {
    doc: 'Enabling and disabling swap.',
    members: ['swapoff', 'swapon'],
  },
  '@sync': {
    doc: 'Flushing file data and metadata to storage.',
    members: ['fdatasync', 'fsync', 'msync', 'sync', 'sync_file_range', 'syncfs'],
  },
  '@system-info': {
    doc: 'Reading system-wide information: memory and load statistics, the CPU the caller runs on.',
    members: ['getcpu', 'sysinfo'],
  },
  '@system-service': {
    doc: 'What a typical unprivileged system service uses (systemd\'s set of the same name, in Sandforge\'s reading): everything in @default plus clone, clone3, ioctl, personality, socket, memfd_create, io_uring, keyrings, namespaces and kcmp.',
    members: [
      '@default', '@aio', '@keyring', 'clone', 'clone3', 'ioctl', 'kcmp', 'memfd_create', 'personality', 'setns',
      'socket', 'unshare',
    ],
  },
  '@timer': {
    doc: 'Timers and alarms: interval timers, POSIX timers and timerfd.',
    members: [
      'alarm', 'getitimer', 'setitimer', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime',
      'timer_gettime64', 'timer_settime', 'timer_settime64', 'timerfd_create', 'timerfd_gettime',
      'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64',
    ],
  },
  '@uprobes': {
    doc: 'The x86 uprobe trampolines (uretprobe, uprobe): callable only from code the kernel maps when a host tracer probes the process; otherwise SIGILL.',
    members: ['uprobe', 'uretprobe'],
  },
  '@default': {
    doc:
      'The syscalls the built-in agent profile allows: what a normal development workload needs (node, npm, python3, ' +
      'git, gcc, make, sh/bash, coreutils). Not included, because the agent profile handles them with explicit ' +
      'rules or conditions: clone, clone3, ioctl, personality, socket, socketcall, memfd_create, ptrace, ' +
      'process_vm_readv/writev, io_uring, bpf, perf_event_open, userfaultfd, the keyring, kexec, modules, mount ' +
      'and the mount API, pivot_root, chroot, unshare, setns, name_to_handle_at/open_by_handle_at. Also left out: ' +
      'clock setting, swap, reboot, acct, raw I/O, quotactl, fanotify, syslog, vhangup, obsolete syscalls, ' +
      'x86 LDT and vm86, memfd_secret, kcmp, pidfd_getfd, process_madvise, process_mrelease, listns, and the ' +
      'NUMA policy setters (mbind, set_mempolicy, set_mempolicy_home_node, migrate_pages, move_pages): ' +
      'no development tool needs them, and migrate_pages/move_pages act on other processes. get_mempolicy, ' +
      'a read of the caller\'s own policy, stays in.',
    members: [
      '@aio-legacy', '@base', '@basic-io', '@chown', '@file-system', '@file-transfer', '@io-event', '@memlock',
      '@memory', '@pkey', '@sandbox', '@setuid', '@signal', '@sync', '@system-info', '@timer', '@uprobes',
      // @ipc without memfd_create and process_vm_*
      'ipc', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_timedsend',
      'mq_timedsend_time64', 'mq_unlink', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'pipe', 'pipe2', 'semctl',
      'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'shmat', 'shmctl', 'shmdt', 'shmget',
      // @network-io without socket and socketcall: these act on sockets the process already has
      'accept', 'accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt', 'listen', 'recvfrom',
      'recvmmsg', 'recvmmsg_time64', 'recvmsg', 'sendmmsg', 'sendmsg', 'sendto', 'setsockopt', 'shutdown',
      'socketpair',
      // @process without clone, clone3, unshare, setns, listns, process_mrelease
      'capget', 'execve', 'execveat', 'fork', 'getpgid', 'getpgrp', 'getpriority', 'getrusage', 'getsid', 'kill',
      'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr', 'pidfd_open', 'pidfd_send_signal', 'prctl',
      'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'setpgid', 'setsid', 'tgkill', 'times', 'tkill', 'umask', 'vfork',
      'wait4', 'waitid', 'waitpid',
      // @resources without the NUMA setters: lowering priority, affinity and limits needs no capability
      'get_mempolicy', 'ioprio_get', 'ioprio_set', 'nice', 'sched_get_priority_max', 'sched_get_priority_min',
      'sched_getattr', 'sched_getparam', 'sched_getscheduler', 'sched_rr_get_interval',
      'sched_rr_get_interval_time64', 'sched_setaffinity', 'sched_setattr', 'sched_setparam', 'sched_setscheduler',
      'setpriority', 'setrlimit',
      // capset can only drop capabilities without CAP_SETPCAP; fadvise/readahead/flock are advisory
      'capset', 'fadvise64', 'fadvise64_64', 'flock', 'readahead',
    ],
  },
};

const KNOWN_GROUP = '@known';
const KNOWN_DOC = 'Every syscall of the four syscall tables (x86_64, i386, x32, aarch64) that Sandforge knows.';

const expanded = new Map<string, readonly string[]>();

function expand(name: string, path: readonly string[]): readonly string[] {
  const done = expanded.get(name);
  if (done) return done;
  if (name === KNOWN_GROUP) return knownSyscallNames();
  const def = GROUPS[name];
  if (!def) throw new Error(`unknown syscall group ${name} (in ${path.join(' -> ')})`);
  if (path.includes(name)) throw new Error(`syscall group cycle: ${[...path, name].join(' -> ')}`);
  const out = new Set<string>();
  for (const m of def.members) {
    if (m.startsWith('@')) for (const n of expand(m, [...path, name])) out.add(n);
    else out.add(m);
  }
  const list = Object.freeze([...out].sort());
  expanded.set(name, list);
  return list;
}

/** The syscall names of group `name` (`@default`), fully expanded and sorted; undefined if no such group. */
export function expandGroup(name: string): readonly string[] | undefined {
  if (name !== KNOWN_GROUP && !Object.hasOwn(GROUPS, name)) return undefined;
  return expand(name, []);
}

/** The syscall names a list of names and @groups stands for (an unknown group stands for none). */
export function expandEntries(entries: readonly string[]): string[] {
  return entries.flatMap((e) => (e.startsWith('@') ? [...(expandGroup(e) ?? [])] : [e]));
}

/** Every group name, with its `@`, sorted. */
export function groupNames(): readonly string[] {
  return GROUP_NAMES;
}

const GROUP_NAMES: readonly string[] = Object.freeze([...Object.keys(GROUPS), KNOWN_GROUP].sort());

/** What group `name` is for (empty for an unknown group). */
export function groupDoc(name: string): string {
  if (name === KNOWN_GROUP) return KNOWN_DOC;
  return Object.hasOwn(GROUPS, name) ? GROUPS[name]!.doc : '';
}

/** The direct members of group `name` as written (names and @groups), for documentation. */
export function groupMembers(name: string): readonly string[] | undefined {
  if (name === KNOWN_GROUP) return knownSyscallNames();
  return Object.hasOwn(GROUPS, name) ? GROUPS[name]!.members : undefined;
}
