import type { Diagnostic } from '../../diagnostics/types.js';
import { diag } from '../../diagnostics/catalog.js';
import { SECCOMP_ARCHES, type PolicyIR, type SeccompArch } from '../../ir/policy-ir.js';
import { lowerSeccomp, type SeccompPlan, type Why } from '../../4-lower/seccomp/lower-seccomp.js';
import { BPF_MAXINSNS, X32_SYSCALL_BIT, encodeProgram } from './bpf.js';
import { isConstAllow } from './const-allow.js';
import { AUDIT_ARCH_OF, emitSeccompTree, type SeccompProgram } from './emit-seccomp-tree.js';
import { emitSeccompListing } from './emit-seccomp-listing.js';
import { emitSeccompOci, type OciSeccomp } from './emit-seccomp-oci.js';
import { createHash } from 'node:crypto';

export interface SeccompArtifacts {
  /** bundle path -> bytes (.bpf) or text (.txt) */
  raw: Map<string, Uint8Array | string>;
  /** The OCI linux.seccomp object (written as seccomp/oci.json). */
  oci: OciSeccomp;
  plans: Map<SeccompArch, SeccompPlan>;
  programs: Map<SeccompArch, SeccompProgram>;
  diagnostics: Diagnostic[];
}

/**
 * Phase 4+5 for the syscalls section: lower, build each architecture's program, prove what
 * the compiler promises about it, and produce the artifacts. `where` renders an IR pointer as
 * "file:line:col" for the listing.
 */
export function emitSeccomp(ir: PolicyIR, where: (why: Why) => string): SeccompArtifacts {
  const ds: Diagnostic[] = [];
  const raw = new Map<string, Uint8Array | string>();
  const plans = new Map<SeccompArch, SeccompPlan>();
  const programs = new Map<SeccompArch, SeccompProgram>();
  for (const arch of SECCOMP_ARCHES) {
    const plan = lowerSeccomp(ir, arch);
    const prog = emitSeccompTree(plan, where);
    plans.set(arch, plan);
    programs.set(arch, prog);
    if (prog.insns.length > BPF_MAXINSNS) {
      ds.push(diag('SF4150', { arch, count: prog.insns.length, limit: BPF_MAXINSNS }));
      continue;
    }
    // Every unconditional allow must be decided from arch and nr alone, or the kernel's action
    // cache would not take it (kernel/seccomp.c seccomp_is_const_allow). Checked on the final
    // instructions with the kernel's own rules, not on the compiler's intentions.
    for (const section of plan.sections) {
      for (const s of section.syscalls) {
        if (s.verdict.steps.length > 0 || s.verdict.fallback.action.kind !== 'allow') continue;
        if (!isConstAllow(prog.insns, AUDIT_ARCH_OF[section.abi], s.nr)) {
          ds.push(diag('SF4151', { syscall: s.name, abi: section.abi, nr: s.nr >= X32_SYSCALL_BIT ? `0x${s.nr.toString(16)}` : s.nr }));
        }
      }
    }
    const bytes = encodeProgram(prog.insns);
    raw.set(`seccomp/${arch}.bpf`, bytes);
    raw.set(`seccomp/${arch}.txt`, emitSeccompListing(ir.name, arch, prog, createHash('sha256').update(bytes).digest('hex')));
  }
  const oci = emitSeccompOci(plans.get('x86_64')!, ir.syscalls.default);
  if (oci.tooComplex.length > 0) ds.push(diag('SF5100', { syscalls: oci.tooComplex.join(', ') }));
  return { raw, oci: oci.value, plans, programs, diagnostics: ds };
}
