import { capabilities } from '../../../compiler/lint/rules/capabilities.js';
import { runRuleTests, yaml } from '../lint-helper.js';

runRuleTests(capabilities, {
  valid: [
    { name: 'none granted (agent profile)', policy: yaml('version: 1', 'name: x') },
    { name: 'an explicitly empty list', policy: yaml('version: 1', 'name: x', 'process:', '  capabilities: []') },
    { name: 'other process settings', policy: yaml('version: 1', 'name: x', 'process:', '  user: 1000') },
  ],
  invalid: [
    {
      name: 'one finding per capability, at the entry',
      policy: yaml('version: 1', 'name: x', 'process:', '  capabilities: [CAP_NET_RAW, CAP_SYS_ADMIN]'),
      findings: [
        { line: 4, col: 18, message: 'grants CAP_NET_RAW' },
        { line: 4, col: 31, message: 'grants CAP_SYS_ADMIN' },
      ],
    },
    {
      name: 'block list',
      policy: yaml('version: 1', 'name: x', 'process:', '  capabilities:', '    - CAP_CHOWN'),
      findings: [{ line: 5, col: 7 }],
    },
    {
      name: 'granted in a user base file and in the policy',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml', 'process:', '  capabilities: [CAP_KILL]'),
        'base.yaml': yaml('version: 1', 'name: base', 'process:', '  capabilities: [CAP_NET_BIND_SERVICE]'),
      },
      findings: [
        { file: '/virtual/base.yaml', line: 4, col: 18 },
        { file: '/virtual/policy.yaml', line: 5, col: 18 },
      ],
    },
  ],
});
