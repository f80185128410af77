import { pointer, type PathSeg } from './1-parse/source-map.js';

/**
 * Render a policy as YAML with the origin of every value as a trailing comment. `origin`
 * maps a JSON pointer to "file:line:col" (or undefined for a default).
 */
/** Key order of docs/policy.md, so that explain reads like a policy file. */
const ORDER = ['format', 'version', 'name', 'chain', 'extends', 'backend', 'filesystem', 'workspace', 'read', 'write', 'tmpfs', 'deny', 'network', 'mode', 'allow',
  'host', 'cidr', 'ports', 'protocol', 'resources', 'memory', 'memoryBytes', 'cpu', 'pids', 'timeout', 'timeoutMs', 'disk', 'diskBytes', 'syscalls', 'default', 'import',
  'rules', 'syscall', 'when', 'action', 'compat', 'env', 'pass', 'set', 'process', 'user', 'capabilities', 'vm', 'vcpus', 'kernel', 'initrd', 'vsockPort', 'tests', 'run', 'expect'];
const rank = (k: string) => {
  const i = ORDER.indexOf(k);
  return i < 0 ? ORDER.length : i;
};

export function explainText(value: unknown, origin: (ptr: string) => string | undefined, header: string[]): string {
  const lines: string[] = header.map((h) => `# ${h}`);
  const rows: [string, string | undefined][] = [];
  const scalar = (v: unknown): string => {
    if (typeof v === 'string') return /^[A-Za-z0-9_./~][A-Za-z0-9_./~@*:=+ ()-]*$/.test(v) && !v.includes(': ') && !v.includes(' #') && !/^(true|false|null|yes|no|[0-9.]+)$/i.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v);
    return JSON.stringify(v);
  };
  const walk = (v: unknown, path: PathSeg[], indent: string, lead: string): void => {
    const o = origin(pointer(path));
    if (Array.isArray(v)) {
      if (v.length === 0) { rows.push([`${lead}[]`, o]); return; }
      if (lead.trim() !== '') rows.push([lead.trimEnd(), o]);
      v.forEach((x, i) => walk(x, [...path, i], indent + '  ', `${indent}- `));
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      // Mappings with a fixed schema are printed in docs order; free maps (env.set) as written.
      if (keys.some((k) => ORDER.includes(k))) keys.sort((a, b) => rank(a) - rank(b));
      if (keys.length === 0) { rows.push([`${lead}{}`, o]); return; }
      let first = true;
      if (lead.trim() !== '' && !lead.trimEnd().endsWith('-')) rows.push([lead.trimEnd(), o]);
      for (const k of keys) {
        const x = (v as Record<string, unknown>)[k];
        const dash = lead.trimEnd().endsWith('-') && first;
        const prefix = dash ? lead : indent;
        first = false;
        if (x !== null && typeof x === 'object' && !(Array.isArray(x) && x.length === 0) && Object.keys(x).length > 0) {
          rows.push([`${prefix}${k}:`, origin(pointer([...path, k]))]);
          walk(x, [...path, k], (dash ? indent : indent) + '  ', (dash ? indent : indent) + '  ');
        } else {
          walk(x, [...path, k], indent + '  ', `${prefix}${k}: `);
        }
      }
    } else {
      rows.push([`${lead}${scalar(v)}`, o]);
    }
  };
  walk(value, [], '', '');
  const width = Math.min(60, Math.max(...rows.map(([t]) => t.length)) + 2);
  for (const [t, o] of rows) lines.push(o ? `${t.padEnd(width)}# ${o}` : t);
  return lines.join('\n') + '\n';
}
