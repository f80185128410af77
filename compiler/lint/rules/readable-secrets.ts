import type { Finding, LintRule } from '../rule.js';
import { isWithin } from '../../3-resolve/host-path.js';

/** Well-known credential locations under the home directory, and what they hold. */
export const SECRET_LOCATIONS: readonly [string, string][] = [
  ['~/.ssh', 'SSH keys'],
  ['~/.aws', 'AWS credentials'],
  ['~/.azure', 'Azure credentials'],
  ['~/.gnupg', 'GnuPG keys'],
  ['~/.config/gcloud', 'Google Cloud credentials'],
  ['~/.config/gh', 'GitHub CLI token'],
  ['~/.kube', 'Kubernetes credentials'],
  ['~/.docker', 'registry credentials'],
  ['~/.netrc', 'login passwords'],
  ['~/.git-credentials', 'git passwords'],
  ['~/.npmrc', 'npm token'],
  ['~/.pypirc', 'PyPI token'],
];
const SECRET_DIR_NAMES = new Set(['.ssh', '.aws', '.gnupg', '.kube', '.docker', '.azure']);

/**
 * SF6003: a granted path (workspace, read or write) that is or contains a credential
 * location, when no deny entry masks it; and .env files in granted trees when no deny glob
 * masks them.
 */
export const readableSecrets: LintRule = {
  code: 'SF6003',
  name: 'readable-secrets',
  check(ctx) {
    const fs = ctx.ir.filesystem;
    const denied = (p: string) => fs.deny.some((d) => isWithin(p, d));
    const grants: [string, string][] = [];
    if (fs.workspace !== null) grants.push([fs.workspace, '/filesystem/workspace']);
    fs.read.forEach((p, i) => grants.push([p, `/filesystem/read/${i}`]));
    fs.write.forEach((p, i) => grants.push([p, `/filesystem/write/${i}`]));
    const out: Finding[] = [];
    for (const [g, ptr] of grants) {
      const span = ctx.userOrigin(ptr);
      if (!span) continue;
      for (const [secret, what] of SECRET_LOCATIONS) {
        const exposed = isWithin(g, secret) ? !denied(g) : isWithin(secret, g) && !denied(secret);
        if (exposed) out.push({ span, args: { path: isWithin(g, secret) ? g : secret, what } });
      }
      const parts = g.split('/');
      if (!g.startsWith('~') && parts.some((c) => SECRET_DIR_NAMES.has(c)) && !denied(g)) {
        out.push({ span, args: { path: g, what: 'a credentials directory' } });
      }
    }
    const envMasked = fs.deny.some((d) => d === '**/.env' || d === '.env' || d === '**/.env*');
    if (!envMasked && fs.workspace !== null) {
      const span = ctx.userOrigin('/filesystem/workspace') ?? ctx.userOrigin('/filesystem/deny');
      if (span) out.push({ span, args: { path: '.env files in the workspace', what: 'environment secrets; mask them with "**/.env"' } });
    }
    return out;
  },
};
