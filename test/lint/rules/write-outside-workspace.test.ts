import { writeOutsideWorkspace } from '../../../compiler/lint/rules/write-outside-workspace.js';
import { runRuleTests, yaml } from '../lint-helper.js';

runRuleTests(writeOutsideWorkspace, {
  valid: [
    { name: 'nothing writable but the workspace', policy: yaml('version: 1', 'name: x') },
    { name: 'writes inside the workspace', policy: yaml('version: 1', 'name: x', 'filesystem:', '  write: [./build, ./node_modules/.cache]') },
    { name: 'the workspace itself', policy: yaml('version: 1', 'name: x', 'filesystem:', '  workspace: ./proj', '  write: [./proj]') },
    { name: 'home-relative workspace and a path below it', policy: yaml('version: 1', 'name: x', 'filesystem:', '  workspace: ~/proj', '  write: [~/proj/out]') },
    { name: 'caches written by the build profile are not the user\'s', policy: yaml('version: 1', 'name: x', 'extends: build') },
  ],
  invalid: [
    {
      name: 'absolute, home and parent paths',
      policy: yaml('version: 1', 'name: x', 'filesystem:', '  write:', '    - ./build', '    - ../sibling', '    - /var/tmp/x', '    - ~/.cache/x'),
      findings: [
        { line: 6, col: 7, message: '/virtual/../sibling is writable' },
        { line: 7, col: 7, message: '/var/tmp/x is writable' },
        { line: 8, col: 7, message: '~/.cache/x is writable' },
      ],
    },
    {
      name: 'a path that only shares a string prefix with the workspace',
      policy: yaml('version: 1', 'name: x', 'filesystem:', '  workspace: ./proj', '  write: [./project-cache]'),
      findings: [{ line: 5, col: 11 }],
    },
    {
      name: 'no workspace at all: every writable path is outside',
      policy: yaml('version: 1', 'name: x', 'extends: none', 'filesystem:', '  write: [/srv/data]'),
      findings: [{ line: 5, col: 11 }],
    },
    {
      name: 'a path inherited read-only and made writable here',
      policy: yaml('version: 1', 'name: x', 'filesystem:', '  write: [/etc/ssl]'),
      findings: [{ line: 4, col: 11 }],
    },
  ],
});
