import type { LintRule } from '../rule.js';
import { networkOpen } from './network-open.js';
import { writeOutsideWorkspace } from './write-outside-workspace.js';
import { readableSecrets } from './readable-secrets.js';
import { syscallsDefaultAllow } from './syscalls-default-allow.js';
import { noTimeout } from './no-timeout.js';
import { capabilities } from './capabilities.js';
import { wideNetworkAllow } from './wide-network-allow.js';
import { rootUser } from './root-user.js';

export const RULES: readonly LintRule[] = [networkOpen, writeOutsideWorkspace, readableSecrets, syscallsDefaultAllow, noTimeout, capabilities, wideNetworkAllow, rootUser];
