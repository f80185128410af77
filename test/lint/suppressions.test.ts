import { describe, expect, it } from 'vitest';
import { findSuppressions } from '../../compiler/lint/lint-policy.js';
import { lintPolicy, yaml, type PolicySource } from './lint-helper.js';

/** Lint findings as "code line:col", in the order reported. */
function findings(policy: PolicySource): string[] {
  return lintPolicy(policy).lint.map((d) => `${d.code} ${d.span?.file === '/virtual/policy.yaml' ? '' : d.span?.file + ':'}${d.span?.line}:${d.span?.col}`);
}

describe('sandforge-ignore suppressions', () => {
  it('control: without a comment the warning is reported', () => {
    expect(findings(yaml('version: 1', 'name: x', 'network:', '  mode: open'))).toEqual(['SF6001 4:9']);
  });

  it('a reasoned comment on the same line suppresses', () => {
    expect(findings(yaml('version: 1', 'name: x', 'network:', '  mode: open # sandforge-ignore SF6001: crawler on a throwaway VM'))).toEqual([]);
  });

  it('a reasoned comment on the line before suppresses', () => {
    expect(findings(yaml('version: 1', 'name: x', 'network:', '  # sandforge-ignore SF6001: crawler on a throwaway VM', '  mode: open'))).toEqual([]);
  });

  it('a comment two lines before does not reach, and is reported unused', () => {
    const p = yaml('version: 1', 'name: x', '# sandforge-ignore SF6001: too far away', 'network:', '  mode: open');
    expect(findings(p)).toEqual(['SF6001 5:9', 'SF6009 3:1']);
  });

  it('a comment on the line after does not suppress', () => {
    const p = yaml('version: 1', 'name: x', 'network:', '  mode: open', '# sandforge-ignore SF6001: wrong line');
    expect(findings(p)).toEqual(['SF6001 4:9', 'SF6009 5:1']);
  });

  it('only the named code is suppressed', () => {
    const p = yaml('version: 1', 'name: x', 'process:', '  user: 0 # sandforge-ignore SF6007: not this one');
    expect(findings(p)).toEqual(['SF6010 4:9', 'SF6009 4:11']);
  });

  it('without a reason: SF6006 at the comment, and the warning stays', () => {
    for (const comment of ['# sandforge-ignore SF6001', '# sandforge-ignore SF6001:', '# sandforge-ignore SF6001:   ']) {
      const p = yaml('version: 1', 'name: x', 'network:', `  mode: open ${comment}`);
      expect(findings(p), comment).toEqual(['SF6001 4:9', 'SF6006 4:14']);
    }
    const d = lintPolicy(yaml('version: 1', 'name: x', 'network:', '  mode: open # sandforge-ignore SF6001')).lint.find((x) => x.code === 'SF6006');
    expect(d?.message).toBe('sandforge-ignore SF6001 needs a reason: write "# sandforge-ignore SF6001: why"');
    expect(d?.severity).toBe('warning');
  });

  it('a comment without the colon is no suppression: the warning stays', () => {
    const p = yaml('version: 1', 'name: x', 'network:', '  mode: open # sandforge-ignore SF6001 because');
    expect(findings(p)).toContain('SF6001 4:9');
  });

  it('an unused suppression gives SF6009 at the comment', () => {
    const p = yaml('version: 1', 'name: x', '# sandforge-ignore SF6004: left over from an old version', 'network:', '  mode: offline');
    const ds = lintPolicy(p).lint;
    expect(findings(p)).toEqual(['SF6009 3:1']);
    expect(ds[0]!.message).toBe('sandforge-ignore SF6004 suppresses nothing on this line or the next');
  });

  it('several codes in one comment, each used', () => {
    const p = yaml('version: 1', 'name: x', 'process:', '  # sandforge-ignore SF6010, SF6007: the installer under test needs root and raw sockets', '  user: 0', 'syscalls: {default: allow}');
    // SF6007 does not fire here; SF6004 on line 6 is not covered.
    expect(findings(p)).toEqual(['SF6004 6:21', 'SF6009 4:3']);
    const q = yaml('version: 1', 'name: x', 'process: {user: 0, capabilities: [CAP_NET_RAW]} # sandforge-ignore SF6010,SF6007: root with raw sockets');
    expect(findings(q)).toEqual([]);
  });

  it('several codes without a reason: one SF6006 per code, nothing suppressed', () => {
    const p = yaml('version: 1', 'name: x', 'process: {user: 0, capabilities: [CAP_NET_RAW]} # sandforge-ignore SF6010, SF6007');
    expect(findings(p)).toEqual(['SF6007 3:35', 'SF6010 3:17', 'SF6006 3:49', 'SF6006 3:49']);
  });

  it('one comment covers every finding of its code on its line and the next', () => {
    const p = yaml('version: 1', 'name: x', 'process:', '  # sandforge-ignore SF6007: both are needed by the packet capture test', '  capabilities: [CAP_NET_RAW, CAP_NET_ADMIN]');
    expect(findings(p)).toEqual([]);
  });

  it('suppressions in a user base file apply to findings in that file', () => {
    const files = {
      'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml'),
      'base.yaml': yaml('version: 1', 'name: base', 'network:', '  mode: open # sandforge-ignore SF6001: shared crawler base'),
    };
    expect(findings(files)).toEqual([]);
  });

  it('a suppression in one file does not cover the same line of another', () => {
    const files = {
      'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml', '# sandforge-ignore SF6001: wrong file'),
      'base.yaml': yaml('version: 1', 'name: base', 'network:', '  mode: open'),
    };
    expect(findings(files)).toEqual(['SF6001 /virtual/base.yaml:4:9', 'SF6009 4:1']);
  });

  it('errors and non-lint warnings cannot be suppressed', () => {
    // SF3005 (workspace missing) is a resolve warning, not a lint finding.
    const p = yaml('version: 1', 'name: x', 'filesystem:', '  workspace: /nonexistent/dir # sandforge-ignore SF3005: created later');
    const run = lintPolicy(p);
    expect(run.all.filter((d) => d.code === 'SF3005').map((d) => d.span?.line)).toEqual([4]);
    expect(run.lint.map((d) => d.code)).toEqual(['SF6009']);
  });
});

describe('findSuppressions', () => {
  it('reads codes, reason and the column of the #', () => {
    const text = yaml('a: 1 # sandforge-ignore SF6001, SF6002 :  the reason  ', '#sandforge-ignore SF6003', 'b: "x#sandforge-ignore SF6004: no"', 'c: 2 # sandforge-ignore sf6001: lower case is not a code');
    expect(findSuppressions('f', text)).toEqual([
      { file: 'f', line: 1, col: 6, codes: ['SF6001', 'SF6002'], reason: 'the reason' },
      { file: 'f', line: 2, col: 1, codes: ['SF6003'], reason: null },
    ]);
  });
});
