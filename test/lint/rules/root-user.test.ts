import { rootUser } from '../../../compiler/lint/rules/root-user.js';
import { runRuleTests, yaml } from '../lint-helper.js';

runRuleTests(rootUser, {
  valid: [
    { name: 'user not set (the caller\'s uid)', policy: yaml('version: 1', 'name: x') },
    { name: 'an unprivileged uid', policy: yaml('version: 1', 'name: x', 'process:', '  user: 1000') },
    { name: 'uid 1 is not root', policy: yaml('version: 1', 'name: x', 'process:', '  user: 1') },
    {
      name: 'a base file says 0, the policy overrides it',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml', 'process:', '  user: 1000'),
        'base.yaml': yaml('version: 1', 'name: base', 'process:', '  user: 0'),
      },
    },
  ],
  invalid: [
    {
      name: 'uid 0',
      policy: yaml('version: 1', 'name: x', 'process:', '  user: 0'),
      findings: [{ line: 4, col: 9, message: 'process.user is 0' }],
    },
    {
      name: 'uid 0 inherited from a user base file',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml'),
        'base.yaml': yaml('version: 1', 'name: base', 'process: {user: 0}'),
      },
      findings: [{ file: '/virtual/base.yaml', line: 3, col: 17 }],
    },
  ],
});
