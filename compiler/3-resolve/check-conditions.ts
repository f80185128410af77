import type { Diagnostic, Span } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import type { PolicyIR } from '../ir/policy-ir.js';
import { ABIS, syscallArgs } from '../syscalls/syscall-table.js';
import { constantNames, constantValue } from '../syscalls/constants.js';
import { expandEntries } from '../syscalls/groups.js';
import { parseCondition } from '../2-validate/condition/parse-condition.js';
import { checkCondition } from '../2-validate/condition/check-condition.js';
import { placeConditionDiagnostics } from '../2-validate/condition/condition-span.js';
import type { ConditionDiagnostic } from '../2-validate/condition/ast.js';
import type { Merged } from './merge-chain.js';
import type { ChainLink } from './load-chain.js';

/**
 * Every `when:` condition, checked for every (syscall, ABI) its rule applies to: the argument
 * list and the named constants differ between syscalls and ABIs. A problem is reported once
 * per place in the condition, at its exact line:col in the YAML file.
 */
function checkAll(when: string, names: readonly string[], abis: readonly string[]): { parsed: boolean; ds: ConditionDiagnostic[] } {
  const p = parseCondition(when);
  if (!p.expr) return { parsed: false, ds: p.diagnostics };
  const seen = new Set<string>();
  const ds: ConditionDiagnostic[] = [];
  for (const name of names) {
    for (const abi of ABIS) {
      if (!abis.includes(abi)) continue;
      const a = syscallArgs(name, abi);
      if (!a) continue;
      const r = checkCondition(p.expr, {
        abi,
        syscall: name,
        argCount: a.count,
        widths: a.widths,
        constant: (c) => constantValue(abi, c),
        constantNames: () => constantNames(abi),
      });
      for (const d of r.diagnostics) {
        const key = `${d.diagnostic.code}:${d.start}:${d.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        ds.push(d);
      }
    }
  }
  return { parsed: true, ds };
}

export function checkRuleConditions(merged: Merged, ir: PolicyIR, chain: readonly ChainLink[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // i386 and x32 programs exist only with compat: allow; their argument lists differ (i386
  // mmap takes one pointer), so conditions are checked against them only then.
  const abis = ir.syscalls.compat === 'allow' ? ABIS : ['x86_64', 'aarch64'];
  const textOf = (file: string) => chain.find((l) => l.display === file)?.parsed.text;
  ir.syscalls.rules.forEach((r, i) => {
    if (r.when === null) return;
    const { ds } = checkAll(r.when, expandEntries(r.syscalls), abis);
    if (ds.length === 0) return;
    const span: Span | undefined = merged.origins.get(`/syscalls/rules/${i}/when`);
    const text = span ? textOf(span.file) : undefined;
    if (span && text !== undefined) out.push(...placeConditionDiagnostics(ds, text, span, r.when));
    else out.push(...ds.map((d) => d.diagnostic));
  });
  const imp = ir.syscalls.imported;
  if (imp) {
    const span = merged.origins.get('/syscalls/import');
    imp.rules.forEach((r, i) => {
      if (r.when === null) return;
      const { ds } = checkAll(r.when, r.syscalls, abis);
      for (const d of ds) {
        if (d.diagnostic.severity !== 'error') continue;
        out.push(diag('SF3203', { path: imp.file, detail: `entry ${i + 1} (${r.syscalls.join(', ')}): \`${r.when}\`: ${d.diagnostic.message}` }, span));
      }
    });
  }
  return out;
}
