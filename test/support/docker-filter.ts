/**
 * What Docker hands to runc for a seccomp profile: the Docker/Moby profile format (with
 * `archMap` and per-entry `includes`/`excludes`) reduced to a plain OCI `linux.seccomp` object
 * for one container. Written from the behaviour of moby's profiles/seccomp setupSeccomp
 * (seccomp_linux.go), to serve as the test oracle's input; it shares nothing with
 * compiler/3-resolve/import-seccomp.ts.
 *
 * - `architectures` = the archMap entry of the host's arch and its sub-arches (amd64:
 *   SCMP_ARCH_X86_64 + SCMP_ARCH_X86 + SCMP_ARCH_X32).
 * - An entry is left out when: `excludes.arches` names the host arch; `excludes.caps` names a
 *   capability the container has; the kernel is at least `excludes.minKernel`;
 *   `includes.arches` is non-empty and does not name the host arch; `includes.caps` names a
 *   capability the container lacks; the kernel is older than `includes.minKernel`.
 * - Kept entries keep names, action, errnoRet and args; `defaultErrnoRet` is kept.
 */

export interface DockerArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

interface Filter {
  arches?: string[];
  caps?: string[];
  minKernel?: string;
}

export interface DockerEntry {
  names?: string[];
  name?: string;
  action: string;
  errnoRet?: number;
  args?: DockerArg[] | null;
  includes?: Filter;
  excludes?: Filter;
}

export interface DockerProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  architectures?: string[];
  syscalls: DockerEntry[];
}

export interface OciProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number; args?: DockerArg[] }[];
}

export interface Container {
  /** The libseccomp/Docker name of the host arch: "amd64", "arm64", … */
  arch: string;
  /** Capabilities of the container's bounding set (Docker: CAP_*). */
  caps: readonly string[];
  /** The running kernel, [major, minor]. */
  kernel: readonly [number, number];
}

/** libseccomp arch token of each Docker arch name (for archMap). */
const SCMP_ARCH: Record<string, string> = { amd64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64', x86: 'SCMP_ARCH_X86', arm: 'SCMP_ARCH_ARM' };

function atLeast(kernel: readonly [number, number], v: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(v);
  if (!m) throw new Error(`minKernel ${v} is not a kernel version`);
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return kernel[0] > maj || (kernel[0] === maj && kernel[1] >= min);
}

/** Does the entry apply to this container (Docker's includes/excludes)? */
export function dockerApplies(e: DockerEntry, c: Container): boolean {
  const inc = e.includes ?? {};
  const exc = e.excludes ?? {};
  if ((exc.arches ?? []).includes(c.arch)) return false;
  if ((exc.caps ?? []).some((cap) => c.caps.includes(cap))) return false;
  if (exc.minKernel && atLeast(c.kernel, exc.minKernel)) return false;
  if ((inc.arches ?? []).length > 0 && !inc.arches!.includes(c.arch)) return false;
  if ((inc.caps ?? []).some((cap) => !c.caps.includes(cap))) return false;
  if (inc.minKernel && !atLeast(c.kernel, inc.minKernel)) return false;
  return true;
}

/** The OCI profile Docker would give runc for this container. */
export function dockerFilter(p: DockerProfile, c: Container): OciProfile {
  if (p.architectures?.length && p.archMap?.length) throw new Error('a profile has architectures or archMap, not both');
  const native = SCMP_ARCH[c.arch];
  if (!native) throw new Error(`unknown Docker arch ${c.arch}`);
  const architectures = [...(p.architectures ?? [])];
  const m = (p.archMap ?? []).find((a) => a.architecture === native);
  if (m) architectures.push(m.architecture, ...(m.subArchitectures ?? []));
  const out: OciProfile = { defaultAction: p.defaultAction, architectures, syscalls: [] };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  for (const e of p.syscalls) {
    if (!dockerApplies(e, c)) continue;
    if (e.name && e.names?.length) throw new Error('an entry has name or names, not both');
    const entry: OciProfile['syscalls'][number] = { names: e.name ? [e.name] : [...(e.names ?? [])], action: e.action };
    if (e.errnoRet !== undefined) entry.errnoRet = e.errnoRet;
    if (e.args && e.args.length > 0) entry.args = e.args.map((a) => ({ ...a }));
    out.syscalls.push(entry);
  }
  return out;
}
