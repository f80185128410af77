import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  BPF_A,
  BPF_ALU,
  BPF_DIV,
  BPF_K,
  BPF_RET,
  BPF_X,
  MAX_ERRNO,
  SECCOMP_RET_ACTION_FULL,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_DATA,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRAP,
  X32_SYSCALL_BIT,
  decodeProgram,
  encodeProgram,
  formatRet,
  type Insn,
} from '../../compiler/5-emit/seccomp/bpf.js';
import type { SeccompData } from '../../compiler/5-emit/seccomp/bpf-emulate.js';
import { KERNEL_PASSTHROUGH_X86_64 } from '../../compiler/5-emit/seccomp/const-allow.js';

/**
 * Oracle (c) of issue 4: the real kernel's verdicts for a raw seccomp-BPF program.
 *
 * kernelVerdicts rewrites every `ret #k` of the program into a distinct SECCOMP_RET_ERRNO
 * marker and leaves the control flow alone, so the kernel's walk through the program is the
 * original's and the errno each probe returns names the original return value, while no probed
 * syscall ever executes. test/kernel/seccomp-probe.c (compiled here with gcc, once per content
 * hash and process, into a private temp dir: call disposeKernelHarness() in afterAll) installs
 * the rewritten program in a forked child and issues the probes; see that file for the
 * protocol. Jobs are batched: one run of the binary, one child per program, thousands of
 * probes per child.
 *
 * runUnderFilter runs a real command under the UNMODIFIED program (no_new_privs, seccomp, then
 * execvp), to watch the real actions: SIGSYS for kill-process and trap, the errno for errno.
 *
 * Both stack on whatever filters the calling process already runs under (seccomp(2): the
 * most restrictive action wins); on a host where node itself is filtered the kernel verdict
 * can therefore differ, which the probe child reports as a death or a wrong errno.
 */

export type ProbeAbi = 'x86_64' | 'x32' | 'i386';

export interface Probe {
  abi: ProbeAbi;
  /** The syscall number as the kernel sees it: x32 numbers include X32_SYSCALL_BIT (0x40000000). */
  nr: number;
  /**
   * Up to six arguments (missing ones are 0). x86_64/x32 arguments are u64 in the full registers.
   * i386 arguments are normally 32-bit; a wider value is put into the whole 64-bit register
   * before `int $0x80`, and the kernel passes those bits to the filter as they are
   * (arch/x86/include/asm/syscall.h syscall_get_arguments copies regs->bx... for compat tasks
   * without truncation; see the harness test that checks it).
   */
  args: readonly bigint[];
}

export interface Verdict {
  /** The 32-bit value the (original) program returned for this probe. */
  ret: number;
  /**
   * seccomp_data.instruction_pointer the kernel gave the filter: the address after the trap
   * instruction (`syscall` for x86_64/x32, `int $0x80` for i386). The probe binary is not
   * position-independent, so this is the same in every run.
   */
  ip: bigint;
}

export interface Job {
  program: Uint8Array;
  probes: readonly Probe[];
}

const SOURCE = fileURLToPath(new URL('../kernel/seccomp-probe.c', import.meta.url));
const MASK64 = (1n << 64n) - 1n;
const ABI_CODE: Record<ProbeAbi, number> = { x86_64: 0, x32: 1, i386: 2 };
const PROBE_BYTES = 56;
/** seccomp-probe.c KILLED_BY(0): a probe that killed its child reports this plus the signal. */
const KILLED_BASE = 0x7fffffffffff0000n;
const SIGSYS = 31;
const RESULT_BYTES = 16;

/** Fixed markers for the five actions the IR knows; other return values get 4005 and up. */
const MARKER_BASE = 4000;
const FIXED_MARKERS: ReadonlyMap<number, number> = new Map([
  [SECCOMP_RET_ALLOW, 4000],
  [SECCOMP_RET_LOG, 4001],
  [SECCOMP_RET_TRAP, 4002],
  [SECCOMP_RET_KILL_THREAD, 4003],
  [SECCOMP_RET_KILL_PROCESS, 4004],
]);

export interface MarkedProgram {
  insns: Insn[];
  /** marker errno -> the original return value it stands for */
  markers: Map<number, number>;
  /** The program divides by X, so it can end with 0 (KILL_THREAD) without a RET. */
  divX: boolean;
}

/**
 * The program with each `ret #k` replaced by `ret ERRNO(marker)`. ERRNO(n) with n < 4000 stays
 * as it is (the kernel returns -n); every other distinct value, including ERRNO(n >= 4000),
 * gets its own marker in 4000..4095 (MAX_ERRNO: larger data would be capped and collide).
 * `ret a` is refused: its value is only known at run time.
 */
export function markReturns(prog: readonly Insn[]): MarkedProgram {
  const markers = new Map<number, number>();
  const byRet = new Map<number, number>(FIXED_MARKERS);
  let next = MARKER_BASE + FIXED_MARKERS.size;
  const insns = prog.map((insn, pc) => {
    if (insn.code === (BPF_RET | BPF_A)) throw new Error(`pc ${pc}: ret a cannot be probed (its value is computed at run time)`);
    if (insn.code !== (BPF_RET | BPF_K)) return { ...insn };
    const k = insn.k >>> 0;
    if ((k & SECCOMP_RET_ACTION_FULL) >>> 0 === SECCOMP_RET_ERRNO && (k & SECCOMP_RET_DATA) < MARKER_BASE) return { ...insn };
    let m = byRet.get(k);
    if (m === undefined) {
      if (next > MAX_ERRNO) throw new Error(`more than ${MAX_ERRNO - MARKER_BASE + 1} distinct return values to mark`);
      m = next++;
      byRet.set(k, m);
    }
    markers.set(m, k);
    return { ...insn, k: (SECCOMP_RET_ERRNO | m) >>> 0 };
  });
  return { insns, markers, divX: prog.some((insn) => insn.code === (BPF_ALU | BPF_DIV | BPF_X)) };
}

/** The seccomp_data the kernel builds for a probe (for the emulator): arch from the ABI. */
export function probeData(p: Probe, ip = 0n): SeccompData {
  return { nr: p.nr >>> 0, arch: p.abi === 'i386' ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64, ip, args: p.args };
}

function checkProbe(p: Probe, i: number): void {
  if (!(p.abi in ABI_CODE)) throw new Error(`probe ${i}: unknown abi ${String(p.abi)}`);
  if (!Number.isInteger(p.nr) || p.nr < 0 || p.nr > 0xffffffff) throw new Error(`probe ${i}: nr ${p.nr} is not a u32`);
  if (p.abi === 'x32' && (p.nr & X32_SYSCALL_BIT) === 0) throw new Error(`probe ${i}: an x32 number includes X32_SYSCALL_BIT`);
  if (p.abi === 'x86_64' && KERNEL_PASSTHROUGH_X86_64.has(p.nr)) {
    // Recent kernels run these without consulting any filter, and outside a uprobe trampoline
    // they SIGILL the caller: probing them would kill the batch (see const-allow.ts).
    throw new Error(`probe ${i}: x86_64 ${KERNEL_PASSTHROUGH_X86_64.get(p.nr)} (${p.nr}) bypasses seccomp on recent kernels; it cannot be probed`);
  }
  if (p.args.length > 6) throw new Error(`probe ${i}: more than 6 arguments`);
}

let workDir: string | null = null;
const built = new Map<string, string>();

const DIR_PREFIX = 'sandforge-seccomp-probe-';

function dir(): string {
  if (!workDir) {
    sweepStaleDirs();
    workDir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
    process.once('exit', disposeKernelHarness);
  }
  return workDir;
}

/**
 * Removes the temp dirs of earlier runs whose process is gone: a test worker killed by its
 * pool runs no 'exit' handler, so call disposeKernelHarness() in afterAll, and this catches
 * what was left anyway.
 */
function sweepStaleDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${DIR_PREFIX}([0-9]+)-`).exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue; // still running
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Removes the per-run temp dir with the compiled probe (also done at process exit). */
export function disposeKernelHarness(): void {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  workDir = null;
  built.clear();
}

/** The compiled seccomp-probe binary: gcc once per source content hash and run. */
export function probeBinary(): string {
  const src = readFileSync(SOURCE);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const have = built.get(hash);
  if (have && existsSync(have)) return have;
  const out = join(dir(), `seccomp-probe-${hash}`);
  // -mno-red-zone: the i386 stub pushes %rbp, which would overwrite a leaf function's red zone.
  // -no-pie: the probe stubs sit at fixed addresses, so a Verdict's ip is the same in every run.
  const r = spawnSync('gcc', ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-mno-red-zone', '-fno-pie', '-no-pie', '-o', out, SOURCE], { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run gcc (system package gcc, see scripts/system-packages.json): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`gcc failed on ${SOURCE}:\n${r.stderr}`);
  built.set(hash, out);
  return out;
}

function run(bin: string, args: string[], input: Uint8Array, timeoutMs: number): Promise<{ code: number | null; signal: string | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined); // EPIPE if the binary died early; reported by 'close'
    child.stdin.end(input);
  });
}

const STATUS_TEXT = ['ok', 'the kernel refused the program', 'the probe child died', 'timed out'];

/**
 * The kernel's verdict for every probe of every job, one forked child per job, all jobs in
 * one run of the probe binary. Throws if the kernel refuses a program (with the errno), if a
 * probe kills the child (e.g. a filter stacked below ours returned KILL or TRAP), or if a
 * result is not one of the markers (a syscall ran).
 */
export async function kernelVerdictsMany(jobs: readonly Job[], opts: { timeoutMs?: number } = {}): Promise<Verdict[][]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const marked = jobs.map((j) => markReturns(decodeProgram(j.program)));
  const parts: Uint8Array[] = [];
  const head = Buffer.alloc(16);
  head.write('SFPROBE1', 0, 'latin1');
  head.writeUInt32LE(jobs.length, 8);
  head.writeUInt32LE(timeoutMs, 12);
  parts.push(head);
  jobs.forEach((job, j) => {
    job.probes.forEach(checkProbe);
    const h = Buffer.alloc(8);
    h.writeUInt32LE(marked[j]!.insns.length, 0);
    h.writeUInt32LE(job.probes.length, 4);
    parts.push(h, encodeProgram(marked[j]!.insns));
    const pb = Buffer.alloc(job.probes.length * PROBE_BYTES);
    job.probes.forEach((p, i) => {
      const o = i * PROBE_BYTES;
      pb.writeUInt32LE(ABI_CODE[p.abi], o);
      pb.writeUInt32LE(p.nr >>> 0, o + 4);
      for (let a = 0; a < 6; a++) pb.writeBigUInt64LE((p.args[a] ?? 0n) & MASK64, o + 8 + 8 * a);
    });
    parts.push(pb);
  });
  const r = await run(probeBinary(), ['probe'], Buffer.concat(parts), timeoutMs * Math.max(1, jobs.length) + 5_000);
  if (r.code !== 0) throw new Error(`seccomp-probe exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  const out = r.stdout;
  let off = 0;
  return jobs.map((job, j) => {
    const status = out.readInt32LE(off);
    const detail = out.readInt32LE(off + 4);
    const done = out.readUInt32LE(off + 8);
    off += 16;
    if (status !== 0) {
      const what =
        status === 1 ? `errno ${detail}` : status === 2 ? `${detail > 0 ? `signal ${detail}` : `exit status ${-detail}`} at probe ${done}` : `after probe ${done}`;
      throw new Error(`job ${j}: ${STATUS_TEXT[status] ?? `status ${status}`} (${what})`);
    }
    const verdicts = job.probes.map((p, i) => {
      const raw = out.readBigInt64LE(off + i * RESULT_BYTES);
      const ip = out.readBigUInt64LE(off + i * RESULT_BYTES + 8);
      if (raw >= KILLED_BASE) {
        const sig = Number(raw - KILLED_BASE);
        // Every RET is an errno now, so the one way left for the program to kill is the
        // implicit `return 0` (SECCOMP_RET_KILL_THREAD) of `div x` with X = 0.
        if (sig === SIGSYS && marked[j]!.divX) return { ret: SECCOMP_RET_KILL_THREAD, ip: 0n };
        throw new Error(`job ${j} probe ${i} (${p.abi} ${p.nr}): killed the probe child with signal ${sig}, which the marked program cannot do (a filter inherited by this process?)`);
      }
      if (raw > 0n || raw < -BigInt(MAX_ERRNO)) {
        throw new Error(`job ${j} probe ${i} (${p.abi} ${p.nr}): the syscall returned ${raw}, so it ran: the filter did not decide it`);
      }
      const errno = Number(-raw);
      const ret = marked[j]!.markers.get(errno) ?? (SECCOMP_RET_ERRNO | errno) >>> 0;
      return { ret, ip };
    });
    off += job.probes.length * RESULT_BYTES;
    return verdicts;
  });
}

/** kernelVerdictsMany for a single program. */
export async function kernelVerdicts(program: Uint8Array, probes: readonly Probe[], opts: { timeoutMs?: number } = {}): Promise<Verdict[]> {
  const [v] = await kernelVerdictsMany([{ program, probes }], opts);
  return v!;
}

export interface FilteredRun {
  /** Exit status, or null if killed by a signal. */
  status: number | null;
  /** Signal name (e.g. "SIGSYS"), or null. */
  signal: string | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs argv under the unmodified program: the probe binary sets no_new_privs, installs it
 * (SECCOMP_FILTER_FLAG_TSYNC is not needed: it is single-threaded until execve) and execvp()s
 * argv[0] — so the filter also judges the execve itself and the dynamic loader. The program
 * is handed over on fd 3, like `bwrap --seccomp 3`. Throws if the kernel refuses the program.
 */
export async function runUnderFilter(
  program: Uint8Array,
  argv: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string | Uint8Array; timeoutMs?: number } = {},
): Promise<FilteredRun> {
  if (argv.length === 0) throw new Error('runUnderFilter: empty argv');
  const bin = probeBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['exec', '3', ...argv], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (status === 125 && stderr.startsWith('seccomp-probe:')) {
        reject(new Error(stderr.trim()));
        return;
      }
      resolve({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
    const progPipe = child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
    progPipe.on('error', () => undefined);
    progPipe.end(Buffer.from(program));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(opts.input ?? '');
  });
}

let availability: { ok: true } | { ok: false; reason: string } | null = null;

/**
 * Whether this kernel can run seccomp filters at all (memoised): the kernel exposes the
 * seccomp sysctl and a trivial allow-all program installs in the probe child. Only a missing
 * kernel feature is a reason to skip; a missing gcc is an install error and throws.
 */
export async function seccompAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (availability) return availability;
  if (process.arch !== 'x64') {
    availability = { ok: false, reason: `the probe harness issues x86_64, x32 and i386 system calls; this host is ${process.arch}` };
    return availability;
  }
  if (!existsSync('/proc/sys/kernel/seccomp/actions_avail')) {
    availability = { ok: false, reason: 'this kernel has no seccomp filter support (/proc/sys/kernel/seccomp/actions_avail is missing)' };
    return availability;
  }
  const allow = encodeProgram([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW }]);
  try {
    await kernelVerdicts(allow, [{ abi: 'x86_64', nr: 39, args: [] }]);
    availability = { ok: true };
  } catch (e) {
    const msg = (e as Error).message;
    if (/refused the program \(errno (22|38)\)/.test(msg)) availability = { ok: false, reason: `seccomp(SECCOMP_SET_MODE_FILTER) is not supported here: ${msg}` };
    else throw e;
  }
  return availability;
}

/** Human-readable verdict for assertion messages. */
export function formatVerdict(v: Verdict): string {
  return formatRet(v.ret);
}

