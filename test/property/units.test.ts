import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BlockList, isIP } from 'node:net';
import { MAX_DURATION_MS, MAX_SIZE, parseDuration, parseSize } from '../../compiler/2-validate/units.js';
import { cidrContains, formatCidr, parseCidr, type Cidr } from '../../compiler/2-validate/cidr.js';
import { fcParams } from './support.js';

// Units and address ranges against oracles written from the documented rules (units.ts,
// docs of SF2006/SF2007) with exact BigInt arithmetic, and against Node's own IP code.

// ---- sizes and durations --------------------------------------------------------------------
const SIZE_UNIT: Record<string, bigint> = { '': 1n, B: 1n };
for (const [i, p] of ['K', 'M', 'G', 'T'].entries()) {
  SIZE_UNIT[p] = SIZE_UNIT[`${p}iB`] = 1024n ** BigInt(i + 1);
  SIZE_UNIT[`${p}B`] = 1000n ** BigInt(i + 1);
}
const BAD_UNITS = ['k', 'kb', 'Ki', 'KIB', 'kiB', 'b', 'P', 'PB', 'PiB', 'E', 'iB', ' KiB', 'KiB ', 'MiBB', 'ms', 'valueOf', 'constructor', 'toString'];

/** Exact bytes of a size text, or null. A fraction needs a unit above bytes (what is half a byte?). */
function sizeOracle(v: string): bigint | null {
  const m = /^([0-9]+)(?:\.([0-9]+))?([A-Za-z]*)$/.exec(v);
  const unit = m && Object.hasOwn(SIZE_UNIT, m[3]!) ? SIZE_UNIT[m[3]!] : undefined;
  if (!m || unit === undefined || (m[2] !== undefined && unit === 1n)) return null;
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  return ((BigInt(m[1]!) * scale + BigInt(frac || '0')) * unit) / scale; // BigInt division floors
}

/** Exact milliseconds of a duration text (integer = seconds; else number+unit, ms|s|m|h), or null. */
function durationOracle(v: string): bigint | null {
  const ms: Record<string, bigint> = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n };
  let total = 0n;
  let i = 0;
  if (v === '') return null;
  while (i < v.length) {
    const d = /^[0-9]+/.exec(v.slice(i));
    if (!d) return null;
    i += d[0].length;
    const u = v.startsWith('ms', i) ? 'ms' : v[i] ?? '';
    if (!(u in ms)) return null;
    total += BigInt(d[0]) * ms[u]!;
    i += u.length;
  }
  return total;
}

/**
 * Values the compiler accepts (≤ max) must be exact; beyond max (1 PiB, 366 days) only being
 * rejected matters: null here, or a number the range check (SF2008) refuses.
 */
function agrees(got: number | null, want: bigint | null, max: number): boolean {
  if (want === null) return got === null;
  if (want <= BigInt(max)) return got === Number(want);
  return got === null || got > max;
}

const digits = (max: number) => fc.oneof(fc.nat({ max: 5000 }).map(String), fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`)));
const sizeUnit = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.keys(SIZE_UNIT)) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_UNITS) });

describe('parseSize', () => {
  it('numbers: safe non-negative integers are bytes, anything else is not a size', () => {
    const num = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: -1e6, max: -1 }), fc.double(), fc.constant(2 ** 53));
    fc.assert(fc.property(num, (n) => void expect(parseSize(n)).toBe(Number.isSafeInteger(n) && n >= 0 ? n : null)), fcParams(500));
  });

  it('whole numbers with or without a unit, and junk', () => {
    const text = fc.oneof(fc.tuple(digits(20), sizeUnit).map(([d, u]) => d + u), fc.string({ maxLength: 10 }));
    fc.assert(fc.property(text, (s) => void expect(agrees(parseSize(s), sizeOracle(s), MAX_SIZE), `${s} → ${parseSize(s)}, exact ${sizeOracle(s)}`).toBe(true)), fcParams(1000));
  });

  // Found "0.0157MB" → 15699 and "128.817TiB" one byte too many while units.ts multiplied in
  // floating point; the digits are long enough here for float rounding to show.
  it('fractions are floored to whole bytes exactly', () => {
    const text = fc.tuple(digits(6), fc.stringMatching(/^[0-9]{1,12}$/), sizeUnit).map(([w, f, u]) => `${w}.${f}${u}`);
    fc.assert(fc.property(text, (s) => void expect(agrees(parseSize(s), sizeOracle(s), MAX_SIZE), `${s} → ${parseSize(s)}, exact ${sizeOracle(s)}`).toBe(true)), fcParams(1000));
  });
});

describe('parseDuration', () => {
  it('numbers: safe non-negative integers are seconds, anything else is not a duration', () => {
    const num = fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: -1e6, max: -1 }), fc.double());
    fc.assert(fc.property(num, (n) => {
      const want = Number.isSafeInteger(n) && n >= 0 ? BigInt(n) * 1000n : null;
      expect(agrees(parseDuration(n), want, MAX_DURATION_MS), `${n} → ${parseDuration(n)}`).toBe(true);
    }), fcParams(500));
  });

  it('sequences of number+unit, and junk', () => {
    const part = fc.tuple(digits(18), fc.oneof({ weight: 5, arbitrary: fc.constantFrom('ms', 's', 'm', 'h') }, { weight: 1, arbitrary: fc.constantFrom('', 'd', 'us', 'M', 'S', 'sec', ' ', 'hms') }));
    const text = fc.oneof(fc.array(part, { minLength: 1, maxLength: 4 }).map((ps) => ps.map(([d, u]) => d + u).join('')), fc.string({ maxLength: 8 }));
    fc.assert(fc.property(text, (s) => void expect(agrees(parseDuration(s), durationOracle(s), MAX_DURATION_MS), `${s} → ${parseDuration(s)}, exact ${durationOracle(s)}`).toBe(true)), fcParams(1000));
  });
});

// ---- CIDR ------------------------------------------------------------------------------------
const toBig = (bytes: number[]) => bytes.reduce((a, b) => (a << 8n) | BigInt(b), 0n);
const fromBig = (n: bigint, len: number) => Array.from({ length: len }, (_, i) => Number((n >> BigInt(8 * (len - 1 - i))) & 0xffn));
/** Plain uncompressed text (dotted quad, or eight hex groups) that Node's net module reads. */
function addrText(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  return Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');
}
const fam = (bytes: number[]) => (bytes.length === 4 ? 'ipv4' : 'ipv6');
const blockOf = (bytes: number[], prefix: number) => {
  const bl = new BlockList();
  bl.addSubnet(addrText(bytes), prefix, fam(bytes));
  return bl;
};
/** Zero the bits from `prefix` on. */
const network = (bytes: number[], prefix: number) => {
  const bits = bytes.length * 8;
  return fromBig(toBig(bytes) & (((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n)), bytes.length);
};
const addrBytes = fc.oneof(fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 }), fc.array(fc.nat({ max: 255 }), { minLength: 16, maxLength: 16 }));
const range = addrBytes.chain((b) => fc.record({ bytes: fc.constant(b), prefix: fc.nat({ max: b.length * 8 }), clear: fc.boolean() }))
  .map(({ bytes, prefix, clear }) => ({ bytes: clear ? network(bytes, prefix) : bytes, prefix }));
/** The canonical RFC 5952 text of an IPv6 address, by the WHATWG URL serializer. */
const canonicalV6 = (addr: string) => new URL(`http://[${addr}]/`).hostname.slice(1, -1);

describe('parseCidr / formatCidr / cidrContains', () => {
  it('an address parses exactly when net.isIP accepts it', () => {
    const mutated = fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.nat(), fc.constantFrom('', '0', ':', '.', '::', 'g', '00', '1.2.3.4'), fc.nat({ max: 2 }))
      .map(([s, at, ins, del]) => s.slice(0, at % (s.length + 1)) + ins + s.slice(at % (s.length + 1) + del));
    const text = fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), mutated).filter((s) => !s.includes('%') && !s.includes('/'));
    const seen = { ok: 0, bad: 0 };
    fc.assert(fc.property(text, (s) => {
      const r = parseCidr(s);
      expect(r.ok, `${s}: isIP says ${isIP(s)}`).toBe(isIP(s) !== 0);
      if (r.ok) expect(r.cidr).toMatchObject({ family: isIP(s), prefix: isIP(s) === 4 ? 32 : 128 });
      seen[r.ok ? 'ok' : 'bad']++;
    }), fcParams(2000));
    expect(Math.min(seen.ok, seen.bad), 'control: both outcomes occur').toBeGreaterThan(200);
  });

  it('a range parses exactly when its host bits are zero (BlockList: the address before it is outside)', () => {
    const seen = { ok: 0, bad: 0 };
    fc.assert(fc.property(range, fc.integer({ min: 0, max: 8 }), ({ bytes, prefix }, over) => {
      const max = bytes.length * 8;
      const p = prefix === max ? prefix + over : prefix; // sometimes past the maximum
      const r = parseCidr(`${addrText(bytes)}/${p}`);
      const n = toBig(bytes);
      const first = p <= max && (n === 0n || !blockOf(bytes, p).check(addrText(fromBig(n - 1n, bytes.length)), fam(bytes)));
      expect(r.ok).toBe(first);
      if (r.ok) expect(r.cidr).toEqual({ family: bytes.length === 4 ? 4 : 6, bytes, prefix: p });
      seen[r.ok ? 'ok' : 'bad']++;
    }), fcParams(2000));
    expect(Math.min(seen.ok, seen.bad), 'control: both outcomes occur').toBeGreaterThan(200);
  });

  it('formatCidr is canonical (RFC 5952 for IPv6) and parses back to the same range', () => {
    fc.assert(fc.property(range, ({ bytes, prefix }) => {
      const r = parseCidr(`${addrText(network(bytes, prefix))}/${prefix}`);
      if (!r.ok) throw new Error(r.detail);
      const text = formatCidr(r.cidr);
      const addr = text.slice(0, text.lastIndexOf('/'));
      expect(addr).toBe(r.cidr.family === 4 ? r.cidr.bytes.join('.') : canonicalV6(addrText(r.cidr.bytes)));
      expect(parseCidr(text)).toEqual({ ok: true, cidr: r.cidr });
    }), fcParams(1000));
  });

  it('cidrContains(a, b) agrees with BlockList(a) on the first address of b', () => {
    const pair = range.chain((a) => fc.record({
      a: fc.constant(a),
      b: fc.record({ keep: fc.nat({ max: a.bytes.length * 8 }), noise: addrBytes, prefix: fc.nat({ max: 128 }) }),
    })).map(({ a, b }) => {
      const max = b.noise.length * 8;
      // b usually shares a's leading bits (so containment happens), sometimes another family.
      const mixed = b.noise.length === a.bytes.length ? fromBig(toBig(network(a.bytes, b.keep)) | (toBig(b.noise) & ((1n << BigInt(max - b.keep)) - 1n)), max / 8) : b.noise;
      const ca: Cidr = { family: a.bytes.length === 4 ? 4 : 6, bytes: network(a.bytes, a.prefix), prefix: a.prefix };
      const pb = b.prefix % (max + 1);
      return { ca, cb: { family: max === 32 ? 4 : 6, bytes: network(mixed, pb), prefix: pb } as Cidr };
    });
    let contained = 0;
    fc.assert(fc.property(pair, ({ ca, cb }) => {
      const want = ca.family === cb.family && ca.prefix <= cb.prefix && blockOf(ca.bytes, ca.prefix).check(addrText(cb.bytes), fam(cb.bytes));
      if (want) contained++;
      expect(cidrContains(ca, cb)).toBe(want);
    }), fcParams(2000));
    expect(contained, 'control: some pairs are contained').toBeGreaterThan(100);
  });
});
