import { networkOpen } from '../../../compiler/lint/rules/network-open.js';
import { runRuleTests, yaml } from '../lint-helper.js';

runRuleTests(networkOpen, {
  valid: [
    { name: 'the agent profile (offline)', policy: yaml('version: 1', 'name: x') },
    { name: 'fetch mode with an allow list', policy: yaml('version: 1', 'name: x', 'network:', '  mode: fetch', '  allow:', '    - host: example.com', '      ports: [443]') },
    { name: 'explicit offline', policy: yaml('version: 1', 'name: x', 'network:', '  mode: offline') },
    {
      name: 'a parent file says open, the policy overrides it with offline',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml', 'network:', '  mode: offline'),
        'base.yaml': yaml('version: 1', 'name: base', 'network:', '  mode: open'),
      },
    },
  ],
  invalid: [
    {
      name: 'open mode, block style',
      policy: yaml('version: 1', 'name: x', 'network:', '  mode: open'),
      findings: [{ line: 4, col: 9, message: 'network.mode is open' }],
    },
    {
      name: 'open mode, flow style',
      policy: yaml('version: 1', 'name: x', 'network: { mode: open }'),
      findings: [{ line: 3, col: 18 }],
    },
    {
      name: 'open mode in a JSON policy',
      policy: '{"version": 1, "name": "x", "network": {"mode": "open"}}\n',
      findings: [{ line: 1, col: 49 }],
    },
    {
      name: 'open mode inherited from a user file is reported there',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml'),
        'base.yaml': yaml('version: 1', 'name: base', 'network:', '  mode: open'),
      },
      findings: [{ file: '/virtual/base.yaml', line: 4, col: 9 }],
    },
  ],
});
