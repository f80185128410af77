import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PolicyIR } from '../../../../compiler/ir/policy-ir.js';
import { AUDIT_ARCH_OF } from '../../../../compiler/5-emit/seccomp/emit-seccomp-tree.js';
import { actionToRet, decodeProgram, formatRet } from '../../../../compiler/5-emit/seccomp/bpf.js';
import { runFilter } from '../../../../compiler/5-emit/seccomp/bpf-emulate.js';
import { syscallNumber } from '../../../../compiler/syscalls/syscall-table.js';
import { referenceVerdict } from '../../../support/seccomp-reference.js';
import { compileText, hex, randomPolicy, randomProbe, yamlOf, type RandomProbe } from '../../../support/seccomp-policy.js';
import { fcParams } from '../../../property/support.js';

// Proof (a) of docs/seccomp.md#proof: for random policies and random seccomp_data, the emitted
// BPF, run by the emulator, gives the verdict the reference interpreter derives from the IR
// (conditions evaluated by cel-js, not by our grammar). The generators are shared with proofs
// (b) and (c): test/support/seccomp-policy.ts.

function check(ir: PolicyIR, files: Map<string, Uint8Array>, p: RandomProbe): void {
  let nr = p.pick.name ? syscallNumber(p.abi, p.pick.name) : p.pick.nr;
  if (nr === undefined) return; // the name does not exist on this ABI
  if (p.abi === 'x32' && nr < 0x40000000) nr = (nr | 0x40000000) >>> 0;
  // Even i386 calls keep garbage in the upper halves: a 64-bit process can `int $0x80` with
  // full 64-bit registers and seccomp_data shows them (measured; test/kernel/seccomp-harness).
  const args = p.args;
  const arch = p.abi === 'aarch64' ? 'aarch64' : 'x86_64';
  const prog = decodeProgram(files.get(`seccomp/${arch}.bpf`)!);
  const got = runFilter(prog, { nr, arch: AUDIT_ARCH_OF[p.abi], ip: 0n, args }).ret;
  const want = actionToRet(referenceVerdict(ir, p.abi, nr, args));
  if (got !== want) {
    expect.fail(`${p.abi} nr ${nr} args [${args.map(hex).join(', ')}]: BPF says ${formatRet(got)}, reference says ${formatRet(want)}`);
  }
}

describe('seccomp: emitted BPF ≡ reference interpreter (proof a)', () => {
  it('random policies, random seccomp_data', () => {
    fc.assert(
      fc.property(randomPolicy, fc.array(randomProbe, { minLength: 20, maxLength: 40 }), (p, probes) => {
        const { ir, files } = compileText(yamlOf(p));
        for (const pr of probes) check(ir, files, pr);
      }),
      fcParams(500),
    );
  }, 180_000);

  it('the built-in profiles, every syscall of every ABI', () => {
    for (const base of ['agent', 'strict', 'build', 'none']) {
      const { ir, files } = compileText(`version: 1\nname: b\nextends: ${base}\nsyscalls:\n  compat: allow\n`);
      fc.assert(fc.property(randomProbe, (pr) => check(ir, files, pr)), fcParams(2000));
    }
  });
});
