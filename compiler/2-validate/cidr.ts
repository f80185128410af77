/** An address range, normalised: family, the network address as bytes, prefix length. */
export interface Cidr {
  family: 4 | 6;
  bytes: number[];
  prefix: number;
}

export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; detail: string };

function parseV4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

function parseV6(s: string): number[] | null {
  let head = s;
  let tailV4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.') && lastColon >= 0) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (!v4) return null;
    tailV4 = v4;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return null;
  const groups = (x: string): number[] | null => {
    if (x === '') return [];
    const out: number[] = [];
    for (const g of x.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const a = groups(dbl[0]!);
  const b = dbl.length === 2 ? groups(dbl[1]!) : [];
  if (!a || !b) return null;
  let all: number[];
  if (dbl.length === 2) {
    const fill = 8 - a.length - b.length;
    if (fill < 1) return null;
    all = [...a, ...new Array<number>(fill).fill(0), ...b];
  } else all = a;
  if (all.length !== 8) return null;
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tailV4.length === 4) bytes.splice(12, 4, ...tailV4);
  return bytes;
}

/** Parse `10.0.0.0/8`, `2001:db8::/32`; a bare address means a single host (/32 or /128). */
export function parseCidr(text: string): CidrResult {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const pfx = slash < 0 ? null : text.slice(slash + 1);
  const v4 = parseV4(addr);
  const bytes = v4 ?? (addr.includes(':') ? parseV6(addr) : null);
  if (!bytes) return { ok: false, detail: 'not an address' };
  const family = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (pfx !== null) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(pfx) || Number(pfx) > max) return { ok: false, detail: `prefix must be 0-${max}` };
    prefix = Number(pfx);
  }
  for (let bit = prefix; bit < max; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) return { ok: false, detail: `host bits set beyond /${prefix}` };
  }
  return { ok: true, cidr: { family, bytes, prefix } };
}

export function formatCidr(c: Cidr): string {
  if (c.family === 4) return `${c.bytes.join('.')}/${c.prefix}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((c.bytes[i]! << 8) | c.bytes[i + 1]!).toString(16));
  // RFC 5952: compress the longest run of zero groups (length ≥ 2).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  const s = best < 0 ? groups.join(':') : `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  return `${s}/${c.prefix}`;
}

/** Does range a contain range b? */
export function cidrContains(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family || a.prefix > b.prefix) return false;
  for (let bit = 0; bit < a.prefix; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((a.bytes[bit >> 3]! & m) !== (b.bytes[bit >> 3]! & m)) return false;
  }
  return true;
}
