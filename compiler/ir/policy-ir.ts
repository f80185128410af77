/**
 * The intermediate representation: the effective policy after extends, defaults and unit
 * conversion. Plain, serialisable data; written to the bundle as policy.json. Every later
 * phase and the runtime read only this.
 */
export const IR_FORMAT = 'sandforge-policy/1';

export type Backend = 'process' | 'microvm' | 'mock';
export type NetworkMode = 'offline' | 'fetch' | 'open';

/** allow | errno(N) | kill-process | kill-thread | trap | log, with errno names resolved. */
export type SyscallAction =
  | { kind: 'allow' }
  | { kind: 'errno'; errno: number }
  | { kind: 'kill-process' }
  | { kind: 'kill-thread' }
  | { kind: 'trap' }
  | { kind: 'log' };

export interface PortRange {
  from: number;
  to: number;
}

export interface NetAllowIR {
  host: string | null;
  cidr: string | null;
  /** Empty means every port. */
  ports: PortRange[];
  protocol: 'tcp' | 'udp' | 'any';
}

export interface SyscallRuleIR {
  /** Syscall names and @groups, as written. */
  syscalls: string[];
  /** Condition in CEL syntax over args[0..5] (docs/policy.md#conditions), or null: always. */
  when: string | null;
  action: SyscallAction;
}

/** The program families a seccomp bundle holds: one BPF program each (i386/x32 live in x86_64's). */
export type SeccompArch = 'x86_64' | 'aarch64';
export const SECCOMP_ARCHES: readonly SeccompArch[] = ['x86_64', 'aarch64'];

export interface ImportedRuleIR extends SyscallRuleIR {
  /** The profile limited this entry to some architectures (OCI `includes.arches`); null: all. */
  arches: SeccompArch[] | null;
}

/** A seccomp profile given by `syscalls.import`, converted at compile time (docs/seccomp.md#import). */
export interface ImportedProfileIR {
  /** Absolute path of the profile file, as resolved against the policy that named it. */
  file: string;
  sha256: string;
  format: 'oci' | 'firecracker';
  /** Firecracker profiles hold one filter per thread: the one chosen with `file.json#name`. */
  filter: string | null;
  /** The profile's default action. */
  default: SyscallAction;
  /** Entries in profile order, the ones whose includes/excludes did not apply removed. */
  rules: ImportedRuleIR[];
}

export interface PolicyIR {
  format: typeof IR_FORMAT;
  name: string;
  /** The extends chain, most derived first: e.g. ["policy.yaml", "builtin:agent", "builtin:none"]. */
  chain: string[];
  backend: Backend;
  filesystem: {
    /** Absolute host path, or null for no workspace. */
    workspace: string | null;
    /** Host paths: absolute, or starting with ~/ (expanded at apply time). */
    read: string[];
    write: string[];
    tmpfs: string[];
    /** Paths and globs; masks win over read and write. */
    deny: string[];
  };
  network: { mode: NetworkMode; allow: NetAllowIR[]; deny: string[] };
  resources: {
    memoryBytes: number | null;
    cpu: number | null;
    pids: number | null;
    timeoutMs: number | null;
    diskBytes: number | null;
  };
  /**
   * Verdict of a syscall (docs/seccomp.md#semantics): in `deny` → the deny action; else the
   * first of `rules` naming it whose condition holds; else allowed if in `allow`; else the
   * first matching entry of the imported profile; else `default`.
   */
  syscalls: {
    /** Effective default: the profile's when imported, unless the policy sets one after the import. */
    default: SyscallAction;
    import: string | null;
    allow: string[];
    deny: string[];
    rules: SyscallRuleIR[];
    compat: 'deny' | 'allow';
    imported: ImportedProfileIR | null;
  };
  env: { pass: string[]; set: Record<string, string> };
  process: { user: number | null; capabilities: string[] };
  vm: { vcpus: number; memoryBytes: number; kernel: string | null; initrd: string | null; vsockPort: number };
  tests: { name: string | null; run: string[]; expect: 'allowed' | 'denied' }[];
}
