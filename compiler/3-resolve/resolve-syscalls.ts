import type { Diagnostic, Span } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import { suggestion } from '../diagnostics/did-you-mean.js';
import type { PolicyIR } from '../ir/policy-ir.js';
import { isKnownSyscall, knownSyscallNames } from '../syscalls/syscall-table.js';
import { expandGroup, groupNames } from '../syscalls/groups.js';
import type { Merged } from './merge-chain.js';
import type { SourceHost } from './source-host.js';
import { FileTooLarge } from './source-host.js';
import { importSeccompProfile, splitProfileSpec } from './import-seccomp.js';
import { createHash } from 'node:crypto';
import { checkRuleConditions } from './check-conditions.js';
import type { ChainLink } from './load-chain.js';

/** Seccomp profiles are bigger than policies (Docker's is ~20 KiB); this bounds the read. */
export const MAX_PROFILE_BYTES = 4 * 1024 * 1024;


/**
 * Phase 3d: the `syscalls` section. Checks every name and @group, reads and converts the
 * imported profile, settles the effective default, and checks every `when:` condition for
 * every ABI the rule's syscalls exist on (diagnostics at the exact line:col of the YAML).
 * Mutates ir.syscalls (imported, default).
 */
export function resolveSyscalls(merged: Merged, ir: PolicyIR, chain: readonly ChainLink[], host: SourceHost): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const o = (ptr: string): Span | undefined => merged.origins.get(ptr);
  const sc = merged.policy.syscalls ?? {};

  const checkName = (name: string, ptr: string) => {
    if (name.startsWith('@')) {
      if (!expandGroup(name)) ds.push(diag('SF3201', { name, suggestion: suggestion(name, groupNames()) }, o(ptr)));
    } else if (!isKnownSyscall(name)) {
      ds.push(diag('SF3200', { name, suggestion: suggestion(name, knownSyscallNames()) }, o(ptr)));
    }
  };
  (sc.allow ?? []).forEach((n, i) => checkName(n, `/syscalls/allow/${i}`));
  (sc.deny ?? []).forEach((n, i) => checkName(n, `/syscalls/deny/${i}`));
  (sc.rules ?? []).forEach((r, i) => {
    if (typeof r.syscall === 'string') checkName(r.syscall, `/syscalls/rules/${i}/syscall`);
    else r.syscall.forEach((n, j) => checkName(n, `/syscalls/rules/${i}/syscall/${j}`));
  });

  const rank = (s: Span | undefined) => (s ? chain.findIndex((l) => l.display === s.file) : Infinity);
  if (ir.syscalls.import !== null) {
    const span = o('/syscalls/import');
    const { file, filter } = splitProfileSpec(ir.syscalls.import);
    const bytes = host.readFile(file);
    if (bytes instanceof Error) {
      const reason = bytes instanceof FileTooLarge ? `it is ${bytes.size} bytes (limit ${MAX_PROFILE_BYTES})` : bytes.message;
      ds.push(diag('SF3202', { path: host.display(file), reason }, span));
    } else if (bytes.length > MAX_PROFILE_BYTES) {
      ds.push(diag('SF3202', { path: host.display(file), reason: `it is ${bytes.length} bytes (limit ${MAX_PROFILE_BYTES})` }, span));
    } else {
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (e) {
        ds.push(diag('SF3203', { path: host.display(file), detail: `not UTF-8 JSON: ${(e as Error).message}` }, span));
      }
      if (doc !== undefined) {
        const r = importSeccompProfile(doc, { capabilities: ir.process.capabilities, filter });
        if (!r.ok) ds.push(diag('SF3203', { path: host.display(file), detail: r.error }, span));
        else {
          ir.syscalls.imported = { file, sha256: createHash('sha256').update(bytes).digest('hex'), ...r.profile };
          // The profile's default applies unless the policy sets `default` in the file that
          // imports or in a more derived one (docs/seccomp.md#import).
          if (rank(o('/syscalls/default')) > rank(span)) ir.syscalls.default = r.profile.default;
        }
      }
    }
  }
  ds.push(...checkRuleConditions(merged, ir, chain));
  return ds;
}
