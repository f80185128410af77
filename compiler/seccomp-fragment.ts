import { formatAction } from './ir/syscall-action.js';
import type { ImportedProfileIR, ImportedRuleIR } from './ir/policy-ir.js';
import { isKnownSyscall } from './syscalls/syscall-table.js';

/**
 * `sandforge seccomp import`: an imported profile as the equivalent `syscalls:` fragment of a
 * policy. A profile is read first-match per syscall (docs/seccomp.md#import); in the fragment,
 * a syscall whose first entry allows it unconditionally goes to `allow:`, every other entry
 * that can still decide becomes a rule, in profile order, and entries after a syscall's first
 * unconditional one (which can never decide) are dropped. The fragment, with `extends: none`,
 * gives the same verdicts as the profile. Names no supported ABI has (s390, riscv, arm32 …) are
 * left out: they match nothing in a Sandforge program, and a policy may not name them (SF3200).
 */
export function seccompFragment(p: Omit<ImportedProfileIR, 'file' | 'sha256'>, source: string, notes: string[]): string {
  const decided = new Set<string>();
  const allow: string[] = [];
  const rules: { names: string[]; r: ImportedRuleIR }[] = [];
  for (const r of p.rules) {
    const live = r.syscalls.filter((n) => !decided.has(n) && isKnownSyscall(n));
    if (live.length === 0) continue;
    if (r.when === null) {
      for (const n of live) decided.add(n);
      const firstTime = live.filter((n) => !rules.some((x) => x.names.includes(n)));
      if (r.action.kind === 'allow' && r.arches === null && firstTime.length === live.length) {
        allow.push(...live);
        continue;
      }
    }
    rules.push({ names: live, r });
  }
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `# syscalls of ${source}, converted by sandforge seccomp import`,
    ...notes.map((n) => `# ${n}`),
    'syscalls:',
    `  default: ${formatAction(p.default)}`,
  ];
  if (allow.length > 0) {
    lines.push('  allow:');
    for (const n of [...allow].sort()) lines.push(`    - ${n}`);
  }
  if (rules.length > 0) {
    lines.push('  rules:');
    for (const { names, r } of rules) {
      if (r.arches) lines.push(`    # the profile applies this entry on ${r.arches.join(', ')} only; the policy language has no per-architecture rules`);
      lines.push(`    - syscall: ${names.length === 1 ? names[0] : `[${names.join(', ')}]`}`);
      if (r.when !== null) lines.push(`      when: ${q(r.when)}`);
      lines.push(`      action: ${formatAction(r.action)}`);
    }
  }
  return lines.join('\n') + '\n';
}
