import { readableSecrets } from '../../../compiler/lint/rules/readable-secrets.js';
import { runRuleTests, yaml } from '../lint-helper.js';

runRuleTests(readableSecrets, {
  valid: [
    { name: 'the agent profile masks every location', policy: yaml('version: 1', 'name: x') },
    {
      name: 'reads below masked locations under agent',
      policy: yaml('version: 1', 'name: x', 'filesystem:', '  workspace: ./proj', '  read: [~/.ssh/known_hosts, ~/.config, ~/.gitconfig]'),
    },
    {
      name: 'own masks on top of none',
      policy: yaml('version: 1', 'name: x', 'extends: none', 'filesystem:', '  workspace: .', '  deny: ["**/.env", ~/.aws]', '  read: [~/.aws, ~/.aws/config]'),
    },
    { name: '"**/.env*" masks .env files too', policy: yaml('version: 1', 'name: x', 'extends: none', 'filesystem:', '  workspace: .', '  deny: ["**/.env*"]') },
    { name: 'no workspace and nothing granted', policy: yaml('version: 1', 'name: x', 'extends: none', 'filesystem:', '  read: [/usr]') },
  ],
  invalid: [
    {
      name: 'the whole home directory: one finding per credential location',
      policy: yaml('version: 1', 'name: x', 'extends: none', 'filesystem:', '  read: ["~"]'),
      findings: [
        { line: 5, col: 10, message: '~/.ssh is readable' },
        { line: 5, col: 10, message: '~/.aws is readable' },
        { line: 5, col: 10, message: '~/.azure is readable' },
        { line: 5, col: 10, message: '~/.gnupg is readable' },
        { line: 5, col: 10, message: '~/.config/gcloud is readable' },
        { line: 5, col: 10, message: '~/.config/gh is readable' },
        { line: 5, col: 10, message: '~/.kube is readable' },
        { line: 5, col: 10, message: '~/.docker is readable' },
        { line: 5, col: 10, message: '~/.netrc is readable' },
        { line: 5, col: 10, message: '~/.git-credentials is readable' },
        { line: 5, col: 10, message: '~/.npmrc is readable' },
        { line: 5, col: 10, message: '~/.pypirc is readable' },
      ],
    },
    {
      name: 'a directory holding credential locations, and a writable one',
      policy: yaml('version: 1', 'name: x', 'extends: none', 'filesystem:', '  read: [~/.config]', '  write: [~/.docker]'),
      findings: [
        { line: 5, col: 10, message: '~/.config/gcloud' },
        { line: 5, col: 10, message: '~/.config/gh' },
        { line: 6, col: 11, message: '~/.docker is readable' },
      ],
    },
    {
      name: 'an absolute path through a credentials directory',
      policy: yaml('version: 1', 'name: x', 'filesystem:', '  read:', '    - /srv/keys/.ssh', '    - /srv/keys/.ssh-not'),
      findings: [{ line: 5, col: 7, message: '/srv/keys/.ssh is readable inside the sandbox and may hold secrets (a credentials directory)' }],
    },
    {
      name: 'a workspace without a .env mask (".env.*" alone does not cover .env)',
      policy: yaml('version: 1', 'name: x', 'extends: none', 'filesystem:', '  workspace: .', '  deny: ["**/.env.*"]'),
      findings: [{ line: 5, col: 14, message: '.env files in the workspace' }],
    },
    {
      // The effective read list drops paths that a child made writable (write implies
      // read), so its indices differ from the merged list the origins are keyed by.
      name: 'reported at the secret\'s own line when an earlier read entry was made writable',
      policy: {
        'policy.yaml': yaml('version: 1', 'name: x', 'extends: ./base.yaml', 'filesystem:', '  write: [/opt/a]'),
        'base.yaml': yaml('version: 1', 'name: base', 'extends: none', 'filesystem:', '  read:', '    - /opt/a', '    - ~/.aws'),
      },
      findings: [{ file: '/virtual/base.yaml', line: 7, col: 7, message: '~/.aws is readable' }],
    },
  ],
});
