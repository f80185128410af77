import { syscallsDefaultAllow } from '../../../compiler/lint/rules/syscalls-default-allow.js';
import { runRuleTests, yaml } from '../lint-helper.js';

runRuleTests(syscallsDefaultAllow, {
  valid: [
    { name: 'inherited errno(EPERM) default', policy: yaml('version: 1', 'name: x') },
    { name: 'errno by number', policy: yaml('version: 1', 'name: x', 'syscalls:', '  default: errno(1)') },
    { name: 'kill-process', policy: yaml('version: 1', 'name: x', 'syscalls:', '  default: kill-process') },
    { name: 'trap (SIGSYS, the call does not run)', policy: yaml('version: 1', 'name: x', 'syscalls:', '  default: trap') },
    { name: 'allow as a rule action, not the default', policy: yaml('version: 1', 'name: x', 'syscalls:', '  rules:', '    - syscall: getpid', '      action: allow') },
  ],
  invalid: [
    {
      name: 'default allow',
      policy: yaml('version: 1', 'name: x', 'syscalls:', '  default: allow', '  deny: [ptrace]'),
      findings: [{ line: 4, col: 12, message: 'syscalls.default is allow' }],
    },
    {
      name: 'default allow, flow style',
      policy: yaml('version: 1', 'name: x', 'syscalls: {default: allow}'),
      findings: [{ line: 3, col: 21 }],
    },
    {
      // seccomp(2): SECCOMP_RET_LOG "causes the system call to be logged and then executed",
      // so a log default permits every syscall not denied, exactly like allow.
      name: 'default log (logged, then allowed)',
      policy: yaml('version: 1', 'name: x', 'syscalls:', '  default: log'),
      findings: [{ line: 4, col: 12 }],
    },
  ],
});
