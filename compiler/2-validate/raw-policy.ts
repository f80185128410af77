/** The shape of one policy file once it has passed schemas/policy.schema.json. */
export type Port = number | string;

export interface RawAllow {
  host?: string;
  cidr?: string;
  ports?: Port[];
  protocol?: 'tcp' | 'udp' | 'any';
}

export interface RawRule {
  syscall: string | string[];
  when?: string;
  action: string;
  comment?: string;
}

export interface RawPolicy {
  version: 1;
  name: string;
  extends?: string;
  backend?: 'process' | 'microvm' | 'mock';
  filesystem?: { workspace?: string; read?: string[]; write?: string[]; tmpfs?: string[]; deny?: string[] };
  network?: { mode?: 'offline' | 'fetch' | 'open'; allow?: RawAllow[]; deny?: string[] };
  resources?: { memory?: number | string; cpu?: number; pids?: number; timeout?: number | string; disk?: number | string };
  syscalls?: { default?: string; import?: string; allow?: string[]; deny?: string[]; rules?: RawRule[]; compat?: 'deny' | 'allow' };
  env?: { pass?: string[]; set?: Record<string, string> };
  process?: { user?: number; capabilities?: string[] };
  vm?: { vcpus?: number; memory?: number | string; kernel?: string; initrd?: string; vsockPort?: number };
  tests?: { name?: string; run: string[]; expect: 'allowed' | 'denied' }[];
}
