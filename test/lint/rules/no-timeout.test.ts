import { noTimeout } from '../../../compiler/lint/rules/no-timeout.js';
import { runRuleTests, yaml } from '../lint-helper.js';

runRuleTests(noTimeout, {
  valid: [
    { name: 'timeout inherited from agent', policy: yaml('version: 1', 'name: x') },
    { name: 'timeout inherited from strict', policy: yaml('version: 1', 'name: x', 'extends: strict') },
    { name: 'own timeout on top of none', policy: yaml('version: 1', 'name: x', 'extends: none', 'resources:', '  timeout: 90s') },
    { name: 'integer seconds', policy: yaml('version: 1', 'name: x', 'extends: none', 'resources:', '  timeout: 600') },
    {
      name: 'timeout set in a user base file',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml'),
        'base.yaml': yaml('version: 1', 'name: base', 'extends: none', 'resources:', '  timeout: 1h'),
      },
    },
  ],
  invalid: [
    {
      name: 'extends none without resources: reported at the start of the file',
      policy: yaml('version: 1', 'name: x', 'extends: none'),
      findings: [{ file: '/virtual/policy.yaml', line: 1, col: 1, message: 'resources.timeout is not set' }],
    },
    {
      name: 'resources without a timeout: reported at the resources key',
      policy: yaml('version: 1', 'name: x', 'extends: none', 'resources:', '  memory: 1GiB'),
      findings: [{ line: 4, col: 1 }],
    },
    {
      name: 'no timeout anywhere in a user chain: reported in the entry file',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml'),
        'base.yaml': yaml('version: 1', 'name: base', 'extends: none', 'resources:', '  pids: 64'),
      },
      findings: [{ file: '/virtual/policy.yaml', line: 1, col: 1 }],
    },
  ],
});
