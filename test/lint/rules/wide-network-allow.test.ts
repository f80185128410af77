import { wideNetworkAllow } from '../../../compiler/lint/rules/wide-network-allow.js';
import { runRuleTests, yaml } from '../lint-helper.js';

const fetch = (...entries: string[]) => yaml('version: 1', 'name: x', 'network:', '  mode: fetch', '  allow:', ...entries);

runRuleTests(wideNetworkAllow, {
  valid: [
    { name: 'no allow list', policy: yaml('version: 1', 'name: x') },
    { name: 'host entries only', policy: fetch('    - host: example.com', '      ports: [443]') },
    { name: 'an IPv4 /8 is the widest accepted', policy: fetch('    - cidr: 10.0.0.0/8') },
    { name: 'an IPv6 /16 is the widest accepted', policy: fetch('    - cidr: 2001::/16') },
    { name: 'a single address', policy: fetch('    - cidr: 192.0.2.1/32', '      ports: [5432]') },
    { name: 'the registries of the build profile', policy: yaml('version: 1', 'name: x', 'extends: build') },
  ],
  invalid: [
    {
      name: 'every IPv4 address',
      policy: fetch('    - cidr: 0.0.0.0/0'),
      findings: [{ line: 6, col: 13, message: '0.0.0.0/0 allows every IPv4 address' }],
    },
    {
      name: 'every IPv6 address',
      policy: fetch('    - cidr: "::/0"'),
      findings: [{ line: 6, col: 13, message: '::/0 allows every IPv6 address' }],
    },
    {
      name: 'a fraction of the address space, and ports do not make it narrower',
      policy: fetch('    - cidr: 8.0.0.0/7', '      ports: [443]', '    - cidr: 10.0.0.0/8', '    - cidr: 2000::/3'),
      findings: [
        { line: 6, col: 13, message: '8.0.0.0/7 allows 1/128 of all IPv4 addresses' },
        { line: 9, col: 13, message: '2000::/3 allows 1/8 of all IPv6 addresses' },
      ],
    },
    {
      name: 'added to the build profile\'s list: index counts the inherited entries',
      policy: yaml('version: 1', 'name: x', 'extends: build', 'network:', '  allow:', '    - cidr: 64.0.0.0/2', '      ports: [443]'),
      findings: [{ line: 6, col: 13 }],
    },
  ],
});
