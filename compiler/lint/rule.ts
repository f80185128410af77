import type { Code } from '../diagnostics/catalog.js';
import type { Span } from '../diagnostics/types.js';
import type { PolicyIR } from '../ir/policy-ir.js';

export interface LintContext {
  ir: PolicyIR;
  /**
   * Where the value at a policy pointer was written, if it was written in a user's file.
   * Values that come only from a built-in profile return undefined: built-ins are reviewed
   * with Sandforge, and a warning there would point at nothing the user can change.
   */
  userOrigin(pointer: string): Span | undefined;
  /** True when the value at the pointer was written in a user's file. */
  fromUser(pointer: string): boolean;
  /** Start of the entry policy file, for findings about something absent. */
  entry: Span;
  /** The key `pointer` in the entry file, if written there. */
  entryKey(pointer: string): Span | undefined;
}

export interface Finding {
  span: Span;
  args: Record<string, string | number>;
}

export interface LintRule {
  code: Code;
  /** Short kebab-case name, as in docs. */
  name: string;
  check(ctx: LintContext): Finding[];
}
