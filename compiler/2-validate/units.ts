/**
 * Units of the policy language. Sizes: integers are bytes; K/M/G/T and KiB/MiB/GiB/TiB are
 * powers of 1024 (as in Docker's and systemd's notation), KB/MB/GB/TB powers of 1000.
 * Durations: integers are seconds; otherwise a sequence of number+unit (ms, s, m, h).
 */
const SIZE_UNITS: Record<string, number> = {
  '': 1, B: 1,
  K: 1024, KiB: 1024, KB: 1000,
  M: 1024 ** 2, MiB: 1024 ** 2, MB: 1000 ** 2,
  G: 1024 ** 3, GiB: 1024 ** 3, GB: 1000 ** 3,
  T: 1024 ** 4, TiB: 1024 ** 4, TB: 1000 ** 4,
};

/** Largest size accepted: 1 PiB, far above any machine and far below 2^53. */
export const MAX_SIZE = 1024 ** 5;

/** Bytes, or null if the text is not a size. Fractions are rounded down to whole bytes. */
export function parseSize(v: number | string): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  const m = /^([0-9]+)(?:\.([0-9]+))?([A-Za-z]*)$/.exec(v);
  if (!m) return null;
  if (!Object.hasOwn(SIZE_UNITS, m[3]!)) return null; // not "constructor" and friends
  const unit = SIZE_UNITS[m[3]!]!;
  if (m[2] && unit === 1) return null;
  // Exact integer arithmetic: 1.1G is floor(11 * 2^30 / 10) bytes, with no float rounding.
  const digits = m[2] ?? '';
  const scaled = BigInt(m[1]! + digits) * BigInt(unit);
  const bytes = scaled / 10n ** BigInt(digits.length);
  return bytes <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(bytes) : null;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Longest duration accepted: 366 days. */
export const MAX_DURATION_MS = 366 * 24 * 3_600_000;

/** Milliseconds, or null if the text is not a duration. */
export function parseDuration(v: number | string): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v * 1000 : null;
  if (!/^([0-9]+(ms|s|m|h))+$/.test(v)) return null;
  let total = 0;
  for (const m of v.matchAll(/([0-9]+)(ms|s|m|h)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return Number.isSafeInteger(total) ? total : null;
}

export function formatBytes(n: number): string {
  for (const [u, f] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (n >= f && n % f === 0) return `${n / f}${u}`;
  }
  return `${n}B`;
}
