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
  syscalls: string[];
  when: string | null;
  action: SyscallAction;
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
  syscalls: {
    default: SyscallAction;
    import: string | null;
    allow: string[];
    deny: string[];
    rules: SyscallRuleIR[];
    compat: 'deny' | 'allow';
  };
  env: { pass: string[]; set: Record<string, string> };
  process: { user: number | null; capabilities: string[] };
  vm: { vcpus: number; memoryBytes: number; kernel: string | null; initrd: string | null; vsockPort: number };
  tests: { name: string | null; run: string[]; expect: 'allowed' | 'denied' }[];
}
