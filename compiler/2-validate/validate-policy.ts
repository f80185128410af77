import validateSchema, { type AjvError } from './generated/policy-validator.js';
import { diag } from '../diagnostics/catalog.js';
import { capDiagnostics } from '../diagnostics/cap-diagnostics.js';
import { suggestion } from '../diagnostics/did-you-mean.js';
import { isObj, uniqueBy, type Diagnostic } from '../diagnostics/types.js';
import type { ParsedFile } from '../1-parse/parse-policy.js';
import { displayPath, parsePointer, type PathSeg } from '../1-parse/source-map.js';
import { parseCidr } from './cidr.js';
import { isAbsoluteOrHome, isGlob, isRelativePath } from './path-forms.js';
import { MAX_DURATION_MS, MAX_SIZE, parseDuration, parseSize } from './units.js';
import { ERRNO } from '../syscalls/errno.js';
import type { RawPolicy } from './raw-policy.js';

/**
 * Phase 2: check one parsed file against schemas/policy.schema.json (the one source of
 * structure) and the few rules a schema cannot express (port ranges, CIDR host bits,
 * errno names, path forms). Every ajv error is mapped back to the YAML node it is about.
 */
export function validatePolicy(pf: ParsedFile): { policy: RawPolicy | null; diagnostics: Diagnostic[] } {
  const ok = validateSchema(pf.value);
  // concat, not push(...): a hostile file can produce more errors than fit on the stack.
  const ds = capDiagnostics((ok ? [] : mapAjvErrors(pf, validateSchema.errors ?? [])).concat(semanticChecks(pf)));
  return { policy: ds.some((d) => d.severity === 'error') ? null : (pf.value as RawPolicy), diagnostics: ds };
}

function describe(v: unknown): string {
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the integer ${v}` : `the number ${v}`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'empty',
};

const KIND_DETAIL: Record<string, string> = {
  name: 'must be lower-case letters, digits and dashes, starting with a letter or digit',
  syscall: 'is not a syscall name or @group',
  env: 'is not an environment variable name (letters, digits, underscore; not starting with a digit)',
  host: 'is not a domain name',
};

function mapAjvErrors(pf: ParsedFile, errors: AjvError[]): Diagnostic[] {
  const ds: Diagnostic[] = [];
  // Errors under a oneOf/anyOf branch are noise once the combinator itself is reported.
  // For anyOf (a syscall name or a list of names) the branches' errors, wherever their
  // $refs point, are about the same value: drop everything at or below its instance.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.schemaPath + '/');
  const anyOfAt = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  for (const e of errors) {
    if (combinators.some((c) => e.schemaPath.startsWith(c))) continue;
    if (e.keyword !== 'anyOf' && anyOfAt.some((p) => e.instancePath === p || e.instancePath.startsWith(p + '/'))) continue;
    const path = parsePointer(e.instancePath);
    const where = displayPath(path);
    const kind = (e.parentSchema?.['x-sf-kind'] as string | undefined) ?? '';
    const data = e.data;
    const vspan = pf.map.valueSpan(path);
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(e.params['additionalProperty']);
        const known = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
        ds.push(diag('SF2002', { key, where, suggestion: suggestion(key, known) }, pf.map.keySpan([...path, key])));
        break;
      }
      case 'required':
        ds.push(diag('SF2001', { key: String(e.params['missingProperty']), where }, path.length === 0 ? vspan : pf.map.keySpan(path)));
        break;
      case 'type':
        ds.push(diag('SF2003', { where, expected: String(e.params['type']).split(',').map((t) => TYPE_NAMES[t] ?? t).join(' or '), found: describe(data) }, vspan));
        break;
      case 'enum': {
        const allowed = (e.params['allowedValues'] as unknown[]).map(String);
        const found = describe(data);
        const sug = typeof data === 'string' ? suggestion(data, allowed) : '';
        ds.push(diag('SF2004', { where, allowed: allowed.length > 6 ? 'the documented values' : allowed.join(', '), found, suggestion: sug }, vspan));
        break;
      }
      case 'const':
        if (path.length === 1 && path[0] === 'version') ds.push(diag('SF2010', { found: JSON.stringify(data) }, vspan));
        else ds.push(diag('SF2005', { where, detail: `must be ${JSON.stringify(e.params['allowedValue'])}` }, vspan));
        break;
      case 'pattern':
        if (kind === 'size') ds.push(diag('SF2006', { where, found: String(data) }, vspan));
        else if (kind === 'duration') ds.push(diag('SF2007', { where, found: String(data) }, vspan));
        else if (kind === 'action') ds.push(diag('SF2015', { where, found: String(data) }, vspan));
        else if (kind === 'port') ds.push(diag('SF2016', { where, found: String(data) }, vspan));
        else if (e.propertyName !== undefined) break; // reported with propertyNames below
        else ds.push(diag('SF2005', { where, detail: `"${String(data)}" ${KIND_DETAIL[kind] ?? `must match ${String(e.params['pattern'])}`}` }, vspan));
        break;
      case 'propertyNames': {
        const name = String(e.params['propertyName']);
        ds.push(diag('SF2005', { where, detail: `"${name}" ${KIND_DETAIL['env']}` }, pf.map.keySpan([...path, name])));
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        if (kind === 'port') { ds.push(diag('SF2016', { where, found: String(data) }, vspan)); break; }
        const cmp = String(e.params['comparison']);
        const limit = `${cmp === '>=' ? 'at least' : cmp === '<=' ? 'at most' : cmp === '>' ? 'greater than' : 'less than'} ${String(e.params['limit'])}`;
        ds.push(diag('SF2008', { where, limit, found: String(data) }, vspan));
        break;
      }
      case 'minLength':
      case 'minItems':
        ds.push(diag('SF2005', { where, detail: 'must not be empty' }, vspan));
        break;
      case 'maxLength':
      case 'maxItems':
        ds.push(diag('SF2005', { where, detail: `is longer than ${String(e.params['limit'])}` }, vspan));
        break;
      case 'uniqueItems': {
        const i = Number(e.params['i']);
        const j = Number(e.params['j']);
        ds.push(diag('SF2009', { where }, pf.map.valueSpan([...path, Math.max(i, j)])));
        break;
      }
      case 'oneOf':
        ds.push(diag('SF2011', { where }, vspan));
        break;
      case 'anyOf':
        ds.push(diag('SF2003', { where, expected: 'a syscall name or a list of syscall names', found: describe(data) }, vspan));
        break;
      default:
        ds.push(diag('SF2005', { where, detail: e.message ?? e.keyword }, vspan));
    }
  }
  // Several schema keywords can fail for one value (an empty name: minLength and pattern);
  // one diagnostic per value and code is enough.
  return uniqueBy(ds, (d) => `${d.code}@${d.span?.line}:${d.span?.col}` + (d.code === 'SF2001' ? d.message : ''));
}

/** Checks the schema cannot express. Each looks only at values of the right shape. */
function semanticChecks(pf: ParsedFile): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const v = pf.value;
  if (!isObj(v)) return ds;
  const at = (path: PathSeg[]) => pf.map.valueSpan(path);

  const sizeCheck = (path: PathSeg[], x: unknown) => {
    if (typeof x !== 'string' && typeof x !== 'number') return;
    if (typeof x === 'string' && !/^[0-9]+(\.[0-9]+)?(B|K|KiB|KB|M|MiB|MB|G|GiB|GB|T|TiB|TB)?$/.test(x)) return; // schema reports
    if (typeof x === 'number' && (!Number.isInteger(x) || x < 0)) return;
    const n = parseSize(x);
    if (n === null) ds.push(diag('SF2006', { where: displayPath(path), found: String(x) }, at(path)));
    else if (n > MAX_SIZE) ds.push(diag('SF2008', { where: displayPath(path), limit: 'at most 1PiB', found: String(x) }, at(path)));
  };
  const durationCheck = (path: PathSeg[], x: unknown) => {
    if (typeof x !== 'string' && typeof x !== 'number') return;
    const n = parseDuration(x);
    if (n !== null && n > MAX_DURATION_MS) ds.push(diag('SF2008', { where: displayPath(path), limit: 'at most 366 days', found: String(x) }, at(path)));
    if (n === 0 && typeof x === 'string') ds.push(diag('SF2008', { where: displayPath(path), limit: 'more than 0', found: String(x) }, at(path)));
  };
  const cidrCheck = (path: PathSeg[], x: unknown) => {
    if (typeof x !== 'string') return;
    const r = parseCidr(x);
    if (!r.ok) ds.push(diag('SF2012', { where: displayPath(path), found: x, detail: r.detail }, at(path)));
  };
  const pathCheck = (path: PathSeg[], x: unknown, glob: boolean) => {
    if (typeof x !== 'string' || x.length === 0) return;
    const where = displayPath(path);
    let detail: string | null = null;
    if (x.includes('\0')) detail = 'contains a NUL character';
    else if (/^~[^/]/.test(x)) detail = 'uses ~user, which is not supported; write ~/ for the home directory or an absolute path';
    else if (!glob && isGlob(x)) detail = 'contains glob characters; globs are allowed only in filesystem.deny';
    // A bare `.` or `..` in deny is refused too: it names no file explicitly.
    else if (glob && !isGlob(x) && !(isAbsoluteOrHome(x) || (isRelativePath(x) && x !== '.' && x !== '..'))) {
      detail = `is neither a path nor a glob; write ./${x} for the file next to the policy or **/${x} for every file of that name`;
    }
    else if (!glob && !(isAbsoluteOrHome(x) || isRelativePath(x))) {
      detail = 'is ambiguous; write an absolute path, ~/path, or ./path relative to the policy file';
    }
    if (detail) ds.push(diag('SF2014', { where, found: x, detail }, at(path)));
  };
  const actionCheck = (path: PathSeg[], x: unknown) => {
    if (typeof x !== 'string') return;
    const m = /^errno\((.*)\)$/.exec(x);
    if (!m) return;
    const arg = m[1]!;
    if (/^[0-9]+$/.test(arg)) {
      if (Number(arg) > 4095) ds.push(diag('SF2008', { where: displayPath(path), limit: 'an errno from 0 to 4095', found: arg }, at(path)));
    } else if (/^E[A-Z0-9]+$/.test(arg) && ERRNO[arg] === undefined) {
      ds.push(diag('SF2015', { where: displayPath(path), found: x }, at(path), { hint: `unknown errno name ${arg}${suggestion(arg, Object.keys(ERRNO))}` }));
    }
  };

  const fs = v['filesystem'];
  if (isObj(fs)) {
    pathCheck(['filesystem', 'workspace'], fs['workspace'], false);
    for (const k of ['read', 'write', 'tmpfs', 'deny'] as const) {
      const list = fs[k];
      if (Array.isArray(list)) list.forEach((p, i) => pathCheck(['filesystem', k, i], p, k === 'deny'));
    }
  }
  const net = v['network'];
  if (isObj(net)) {
    const allow = net['allow'];
    if (Array.isArray(allow)) {
      allow.forEach((entry, i) => {
        if (!isObj(entry)) return;
        cidrCheck(['network', 'allow', i, 'cidr'], entry['cidr']);
        const ports = entry['ports'];
        if (Array.isArray(ports)) {
          ports.forEach((p, j) => {
            if (typeof p !== 'string') return;
            const m = /^([0-9]{1,5})-([0-9]{1,5})$/.exec(p);
            if (!m) return;
            const lo = Number(m[1]);
            const hi = Number(m[2]);
            if (lo < 1 || hi > 65535 || lo > hi) ds.push(diag('SF2016', { where: displayPath(['network', 'allow', i, 'ports', j]), found: p }, at(['network', 'allow', i, 'ports', j])));
          });
        }
      });
    }
    const deny = net['deny'];
    if (Array.isArray(deny)) deny.forEach((c, i) => cidrCheck(['network', 'deny', i], c));
  }
  const res = v['resources'];
  if (isObj(res)) {
    sizeCheck(['resources', 'memory'], res['memory']);
    sizeCheck(['resources', 'disk'], res['disk']);
    durationCheck(['resources', 'timeout'], res['timeout']);
  }
  const vm = v['vm'];
  if (isObj(vm)) {
    sizeCheck(['vm', 'memory'], vm['memory']);
    pathCheck(['vm', 'kernel'], vm['kernel'], false);
    pathCheck(['vm', 'initrd'], vm['initrd'], false);
  }
  const sc = v['syscalls'];
  if (isObj(sc)) {
    actionCheck(['syscalls', 'default'], sc['default']);
    pathCheck(['syscalls', 'import'], sc['import'], false);
    const rules = sc['rules'];
    if (Array.isArray(rules)) rules.forEach((r, i) => isObj(r) && actionCheck(['syscalls', 'rules', i, 'action'], r['action']));
  }
  return ds;
}
