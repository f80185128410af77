import { closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';
import { ERRNO } from '../../compiler/syscalls/errno.js';

/**
 * The kernel's own path resolution, through koffi: openat2(2) (Linux >= 5.6), and openat(2)
 * for the fallback walk of open-in-root.ts. syscall(2) is called by number because glibc
 * before 2.40 has no openat2 wrapper; 437 is SYS_openat2 on x86_64 and on every
 * architecture using the generic table (aarch64, riscv64).
 *
 * koffi is required lazily through createRequire, so that the bundled CLI keeps it as a
 * runtime dependency (its native addon cannot be bundled) and so that commands that never
 * touch the kernel do not load it.
 */
export const SYS_openat2 = 437;

// include/uapi/asm-generic/fcntl.h (x86_64 and aarch64 agree on these)
export const O_RDONLY = 0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOFOLLOW = 0o400000;
export const O_DIRECTORY = 0o200000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;

// include/uapi/linux/openat2.h
export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;

export const AT_FDCWD = -100;

/** struct open_how: { __u64 flags; __u64 mode; __u64 resolve; }, 24 bytes (OPEN_HOW_SIZE_VER0). */
export interface OpenHow {
  flags: number;
  mode: number;
  resolve: number;
}

type KoffiFunction = ReturnType<KoffiModule.LibraryHandle['func']>;

interface Libc {
  koffi: typeof KoffiModule;
  howType: KoffiModule.TypeObject;
  syscall: KoffiFunction;
  openat: KoffiFunction;
  statx: KoffiFunction;
  names: Map<number, string>;
}

let libc: Libc | null = null;

function load(): Libc {
  if (libc) return libc;
  const koffi = createRequire(import.meta.url)('koffi') as typeof KoffiModule;
  const lib = koffi.load('libc.so.6');
  const howType = koffi.struct('sandforge_open_how', { flags: 'uint64', mode: 'uint64', resolve: 'uint64' });
  // Both are variadic in C: declared so, koffi passes the variadic arguments by the ABI's rules.
  const syscall = lib.func('long syscall(long number, ...)');
  const openat = lib.func('int openat(int dirfd, const void *path, int flags, ...)');
  const statx = lib.func('int statx(int dirfd, const void *path, int flags, unsigned int mask, void *buf)');
  const names = new Map<number, string>();
  for (const [name, n] of Object.entries(ERRNO)) if (!names.has(n)) names.set(n, name);
  libc = { koffi, howType, syscall, openat, statx, names };
  return libc;
}

export type SysResult = { fd: number } | { errno: string };

function errnoName(l: Libc): string {
  const n = l.koffi.errno();
  return l.names.get(n) ?? `errno ${n}`;
}

/** The path as the bytes the kernel receives, NUL-terminated (callers reject NUL inside). */
function cPath(path: string | Buffer): Buffer {
  const b = typeof path === 'string' ? Buffer.from(path, 'utf8') : path;
  const out = Buffer.allocUnsafe(b.length + 1);
  b.copy(out);
  out[b.length] = 0;
  return out;
}

/** openat2(dirfd, path, how): a new fd (O_CLOEXEC is added) or the errno name. */
export function openat2(dirfd: number, path: string | Buffer, how: OpenHow): SysResult {
  const l = load();
  const h = { flags: how.flags | O_CLOEXEC, mode: how.mode, resolve: how.resolve };
  const r = Number(l.syscall(SYS_openat2, 'int', dirfd, 'const void *', cPath(path), l.koffi.pointer(l.howType), h, 'size_t', 24));
  return r >= 0 ? { fd: r } : { errno: errnoName(l) };
}

/** openat(dirfd, path, flags, mode): a new fd (O_CLOEXEC is added) or the errno name. */
export function openat(dirfd: number, path: string | Buffer, flags: number, mode = 0): SysResult {
  const l = load();
  const r = Number(l.openat(dirfd, cPath(path), flags | O_CLOEXEC, 'uint32', mode));
  return r >= 0 ? { fd: r } : { errno: errnoName(l) };
}

/** What a walk needs to know of one directory entry, without following it. */
export interface EntryInfo {
  kind: 'dir' | 'link' | 'other';
  dev: number;
  ino: number;
}

// include/uapi/linux/stat.h and fcntl.h
const AT_SYMLINK_NOFOLLOW = 0x100;
const STATX_TYPE = 0x1;
const STATX_INO = 0x100;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** struct statx is 256 bytes on every architecture (unlike struct stat); one buffer reused, calls are synchronous. */
const statxBuf = Buffer.alloc(256);

/**
 * lstat(2) of one path through statx(2): its type, device and inode, or the errno name. Called
 * once per path component by the resolver, so it skips what Node's lstatSync adds per call
 * (option handling, a Stats object); its layout is the same on every architecture.
 */
export function lstatEntry(path: Buffer): EntryInfo | string {
  const l = load();
  const r = l.statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO, statxBuf) as number;
  if (r !== 0) return errnoName(l);
  // stx_mode (u16) at 28, stx_ino (u64) at 32, stx_dev_major/minor (u32) at 136/140.
  const fmt = statxBuf.readUInt16LE(28) & S_IFMT;
  return {
    kind: fmt === S_IFDIR ? 'dir' : fmt === S_IFLNK ? 'link' : 'other',
    dev: statxBuf.readUInt32LE(136) * 0x100000 + statxBuf.readUInt32LE(140),
    ino: statxBuf.readUInt32LE(36) * 0x100000000 + statxBuf.readUInt32LE(32),
  };
}

/** Can lstatEntry be used here (koffi loads, glibc has statx)? Memoised. */
let statxUsable: boolean | null = null;
export function lstatEntryAvailable(): boolean {
  if (statxUsable === null) {
    try {
      statxUsable = typeof lstatEntry(Buffer.from('/\0')) !== 'string';
    } catch {
      statxUsable = false;
    }
  }
  return statxUsable;
}

let probed: { ok: boolean; detail: string } | null = null;

/**
 * Does this kernel have openat2 (Linux >= 5.6)? Probed once per process (memoised) with a
 * harmless call: ENOSYS means no, anything else means the syscall exists.
 */
export function probeOpenat2(): { ok: boolean; detail: string } {
  if (probed) return probed;
  try {
    const r = openat2(AT_FDCWD, '/', { flags: O_PATH | O_DIRECTORY, mode: 0, resolve: 0 });
    if ('fd' in r) {
      closeFd(r.fd);
      probed = { ok: true, detail: 'openat2(2) available' };
    } else probed = r.errno === 'ENOSYS' ? { ok: false, detail: 'openat2(2) is missing (ENOSYS): Linux < 5.6 or filtered' } : { ok: true, detail: `openat2(2) available (probe: ${r.errno})` };
  } catch (e) {
    probed = { ok: false, detail: `cannot call openat2 through koffi: ${(e as Error).message}` };
  }
  return probed;
}

export function closeFd(fd: number): void {
  closeSync(fd);
}
