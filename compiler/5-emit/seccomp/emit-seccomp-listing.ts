import type { SeccompArch } from '../../ir/policy-ir.js';
import { formatInsn } from './bpf.js';
import type { SeccompProgram } from './emit-seccomp-tree.js';

/**
 * out/seccomp/<arch>.txt: the program as text, one instruction a line, each with what it
 * decides and the policy rule (file:line:col) it comes from. For reading and review only;
 * the kernel gets the .bpf file, whose sha256 the header repeats.
 */
export function emitSeccompListing(policy: string, arch: SeccompArch, prog: SeccompProgram, bpfSha256: string): string {
  const width = String(prog.insns.length - 1).length;
  const lines = prog.insns.map((insn, pc) => {
    const text = formatInsn(insn, pc);
    const [code, comment] = text.split('  ; ');
    const note = prog.notes[pc] ?? '';
    const merged = [comment && !note.startsWith(comment) ? comment : null, note].filter(Boolean).join(' — ');
    return `${String(pc).padStart(width)}: ${code!.padEnd(34)}${merged ? ' ; ' + merged : ''}`;
  });
  const s = prog.stats;
  return [
    `# sandforge seccomp program: policy ${policy}, ${arch}`,
    `# ${s.instructions} instructions; ranges per ABI: ${Object.entries(s.ranges).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
      `shared leaves ${s.sharedLeaves}; trampolines ${s.trampolines}`,
    `# ${arch}.bpf sha256 ${bpfSha256}`,
    '# jump offsets count from the next instruction; "→ N" is the absolute target',
    ...lines,
    '',
  ].join('\n');
}
