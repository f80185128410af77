import { formatAction } from './ir/syscall-action.js';
import { SECCOMP_ARCHES, type PolicyIR } from './ir/policy-ir.js';
import { lowerSeccomp, type Verdict, type Why } from './4-lower/seccomp/lower-seccomp.js';

/**
 * `sandforge explain --syscalls`: the verdict of every syscall of every ABI, with the rule
 * that decides it, as the compiled programs implement it (the same lowering feeds the
 * emitter). `where` renders a verdict's origin as "text (file:line:col)".
 */
export function explainSyscalls(ir: PolicyIR, where: (why: Why) => string): string {
  const out: string[] = [];
  const verdict = (v: Verdict): string => {
    const parts = v.steps.map((s) => `${formatAction(s.action)} if ${where(s.why)}`);
    parts.push(`${parts.length ? 'else ' : ''}${formatAction(v.fallback.action)} — ${where(v.fallback.why)}`);
    return parts.join('; ');
  };
  for (const arch of SECCOMP_ARCHES) {
    const plan = lowerSeccomp(ir, arch);
    for (const s of plan.sections) {
      out.push(`# ${arch} program, ABI ${s.abi}: ${s.syscalls.length} syscalls; other numbers: ${verdict(s.other)}`);
      const w = Math.max(...s.syscalls.map((x) => x.name.length));
      for (const x of [...s.syscalls].sort((a, b) => a.nr - b.nr)) {
        const nr = x.nr >= 0x40000000 ? `0x${x.nr.toString(16)}` : String(x.nr);
        out.push(`${nr.padStart(10)}  ${x.name.padEnd(w)}  ${verdict(x.verdict)}`);
      }
    }
    if (arch === 'x86_64' && ir.syscalls.compat === 'deny') out.push(`# x86_64 program: i386 and x32 calls: ${formatAction(plan.abiDeny.action)} (compat: deny)`);
    out.push('');
  }
  return out.join('\n');
}
