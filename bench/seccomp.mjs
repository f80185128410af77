#!/usr/bin/env node
// Seccomp benchmark (`npm run bench:seccomp`; issue 4, item 7). Measures, in one run:
//   (a) Docker's default profile for an x86_64 container without capabilities, compiled by
//       Sandforge (the dist/ build: policy `extends: none`, `syscalls.import` the profile) and
//       by libseccomp 2.5 at optimize level 1 (its default, what runc gets) and level 2 (binary
//       tree), both from the profile as Docker itself reduces it for such a container. All
//       three programs run in the emulator for every x86_64 syscall number: program length,
//       instructions executed per allowed syscall (mean, max, and where they go), the share of
//       unconditional allows the kernel's action cache takes, and verdict mismatches against
//       Sandforge's program (zero arguments, then boundary arguments with upper words 0);
//   (b) a hot loop in the kernel (bench/seccomp-loop.c, built with gcc at run time) of getppid,
//       which every filter decides from the number alone, so the action cache skips the filter,
//       and of personality(0xffffffff), which Docker's profile allows for a few argument values
//       only, so the filter runs on every call; each program and no filter, as interleaved
//       child processes.
// Prints the tables with ratios against libseccomp's level 2 (a) and against no filter (b),
// the targets and the machine. Nothing is asserted (STYLE.md habit 9). Imports the built dist/
// (SANDFORGE_DIST=DIR to use another build); writes only to a temporary directory it removes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './machine.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.env.SANDFORGE_DIST ?? join(root, 'dist');
const need = [
  'compiler/compile.js',
  'runtime/fs-host.js',
  'compiler/5-emit/seccomp/bpf.js',
  'compiler/5-emit/seccomp/bpf-emulate.js',
  'compiler/5-emit/seccomp/const-allow.js',
  'compiler/syscalls/syscall-table.js',
];
if (!need.every((f) => existsSync(join(dist, f)))) {
  console.error(`bench: ${dist} is missing or incomplete; run \`npm run build\` first (or set SANDFORGE_DIST).`);
  process.exit(1);
}
const imp = (f) => import(pathToFileURL(join(dist, f)).href);
const { compilePolicy } = await imp('compiler/compile.js');
const { fsHost } = await imp('runtime/fs-host.js');
const bpf = await imp('compiler/5-emit/seccomp/bpf.js');
const { AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, decodeProgram, formatRet } = bpf;
const { runFilterWords, seccompDataWords } = await imp('compiler/5-emit/seccomp/bpf-emulate.js');
const { isConstAllow, isKernelPassthrough } = await imp('compiler/5-emit/seccomp/const-allow.js');
const { syscallName, syscallNumber } = await imp('compiler/syscalls/syscall-table.js');
const { buildWithLibseccomp } = await import(pathToFileURL(join(root, 'test/support/libseccomp.mjs')).href);

const PROFILE = join(root, 'test/fixtures/seccomp-corpus/moby-default.json');
const LOOP_SOURCE = join(root, 'bench/seccomp-loop.c');
/** x86_64 syscall numbers probed: 0..MAX_NR, beyond the newest syscall the profile names (466). */
const MAX_NR = 470;
/** Per child process and syscall: BATCHES timed batches of BATCH_CALLS calls (after one batch of warm-up). */
const BATCHES = 50;
const BATCH_CALLS = 20_000;
const ROUNDS = 9;
const TARGET_AVG_RATIO = 0.6;
const CACHE_SYSCALL = 'getppid';
const COND_SYSCALL = 'personality';

// ---------------------------------------------------------------------------------------------
// Docker's reduction of its profile for one container.

/** "6.18.44-fc-v657" -> [6, 18, 44]; what moby's pkg/parsers/kernel ParseRelease keeps. */
function kernelVersion(s) {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(s);
  if (!m) throw new Error(`cannot read a kernel version from "${s}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}
const atLeast = (have, want) => {
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
};

/**
 * Docker's setupSeccomp (moby profiles/seccomp/seccomp_linux.go) for one container: the archMap
 * entry of the engine's arch gives `architectures` (amd64: X86_64 and its sub-arches X86, X32);
 * an entry is dropped when excludes.arches has the arch, excludes.caps has any capability the
 * container has, or the running kernel is at least excludes.minKernel; it is kept only if
 * includes.arches (when given) has the arch, the container has every includes.caps, and the
 * running kernel is at least includes.minKernel. The result is the OCI linux.seccomp object
 * that runc builds with libseccomp.
 */
function dockerToOci(profile, { arch, seccompArch, caps, kernel }) {
  const map = (profile.archMap ?? []).find((a) => a.architecture === seccompArch);
  const keep = (s) => {
    const inc = s.includes ?? {};
    const exc = s.excludes ?? {};
    if ((exc.arches ?? []).includes(arch)) return false;
    if ((exc.caps ?? []).some((c) => caps.includes(c))) return false;
    if (exc.minKernel && atLeast(kernel, kernelVersion(exc.minKernel))) return false;
    if ((inc.arches ?? []).length > 0 && !inc.arches.includes(arch)) return false;
    if ((inc.caps ?? []).some((c) => !caps.includes(c))) return false;
    if (inc.minKernel && !atLeast(kernel, kernelVersion(inc.minKernel))) return false;
    return true;
  };
  return {
    defaultAction: profile.defaultAction,
    defaultErrnoRet: profile.defaultErrnoRet,
    architectures: map ? [map.architecture, ...(map.subArchitectures ?? [])] : [],
    syscalls: profile.syscalls.filter(keep).map((s) => ({
      names: s.names ?? [s.name],
      action: s.action,
      ...(s.errnoRet !== undefined ? { errnoRet: s.errnoRet } : {}),
      ...(s.args ? { args: s.args } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Emulation.

const sd = (nr, args) => seccompDataWords({ nr, arch: AUDIT_ARCH_X86_64, ip: 0n, args });

/**
 * Where a run's executed instructions go, by what they do: the architecture check, loading the
 * syscall number, comparisons on the number (tree levels or a linear scan), argument loads and
 * tests, unconditional jumps (`ja`: trampolines and joins), and the final `ret`. A path walk
 * that knows only the instructions these programs use (loads of seccomp_data words, `and #k`,
 * K-operand jumps, `ja`, `ret #k`); its verdict and length are checked against the emulator's
 * on every call, so it classifies but never decides.
 */
const OP = {
  LD: bpf.BPF_LD | bpf.BPF_W | bpf.BPF_ABS,
  AND: bpf.BPF_ALU | bpf.BPF_AND | bpf.BPF_K,
  JA: bpf.BPF_JMP | bpf.BPF_JA,
  JEQ: bpf.BPF_JMP | bpf.BPF_JEQ | bpf.BPF_K,
  JGT: bpf.BPF_JMP | bpf.BPF_JGT | bpf.BPF_K,
  JGE: bpf.BPF_JMP | bpf.BPF_JGE | bpf.BPF_K,
  JSET: bpf.BPF_JMP | bpf.BPF_JSET | bpf.BPF_K,
  RET: bpf.BPF_RET | bpf.BPF_K,
};
function tracePath(insns, words) {
  const c = { arch: 0, nrLoad: 0, nrCmp: 0, args: 0, ja: 0, ret: 0 };
  let a = 0;
  let holds = 'none';
  for (let pc = 0; ; pc++) {
    const { code, jt, jf } = insns[pc];
    const k = insns[pc].k >>> 0;
    if (code === OP.LD) {
      a = words[k >> 2];
      holds = k === SECCOMP_DATA_ARCH ? 'arch' : k === SECCOMP_DATA_NR ? 'nr' : 'arg';
      c[holds === 'arch' ? 'arch' : holds === 'nr' ? 'nrLoad' : 'args']++;
    } else if (code === OP.AND) {
      a = (a & k) >>> 0;
      c[holds === 'nr' ? 'nrCmp' : holds === 'arch' ? 'arch' : 'args']++;
    } else if (code === OP.JA) {
      c.ja++;
      pc += k;
    } else if (code === OP.JEQ || code === OP.JGT || code === OP.JGE || code === OP.JSET) {
      c[holds === 'nr' ? 'nrCmp' : holds === 'arch' ? 'arch' : 'args']++;
      const taken = code === OP.JEQ ? a === k : code === OP.JGT ? a > k : code === OP.JGE ? a >= k : (a & k) !== 0;
      pc += taken ? jt : jf;
    } else if (code === OP.RET) {
      c.ret++;
      const run = runFilterWords(insns, words);
      const steps = c.arch + c.nrLoad + c.nrCmp + c.args + c.ja + c.ret;
      if (run.ret >>> 0 !== k || run.steps !== steps) throw new Error(`path walk and emulator disagree at pc ${pc}`);
      return c;
    } else {
      throw new Error(`pc ${pc}: opcode 0x${code.toString(16)} is not one the path walk classifies`);
    }
  }
}

const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};


/** The Debian package version of libseccomp2 that koffi loads, for the row labels. */
function libseccompVersion() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'libseccomp2'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim().replace(/-.*$/, '') : '2.5';
}

/** Reads a small sysctl/sysfs file, for the machine notes. */
function readTrim(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

function table(head, rows, leftCols = 1) {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c) => c.map((x, i) => (i < leftCols ? x.padEnd(width[i]) : x.padStart(width[i]))).join('  ').trimEnd();
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

const tmp = mkdtempSync(join(tmpdir(), 'sandforge-bench-seccomp-'));
try {
  // (a) The three programs.
  const kernel = kernelVersion(release());
  const moby = JSON.parse(readFileSync(PROFILE, 'utf8'));
  copyFileSync(PROFILE, join(tmp, 'moby-default.json'));
  const compileOurs = (name, extra) => {
    const file = join(tmp, `${name}.yaml`);
    writeFileSync(
      file,
      `version: 1\nname: ${name}\nextends: none\nsyscalls:\n  import: ./moby-default.json\n${extra}process:\n  capabilities: []\n`,
    );
    const r = compilePolicy(file, fsHost(tmp));
    if (!r.files) {
      const errs = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
      throw new Error(`the ${name} policy does not compile: ${errs.join('; ')}`);
    }
    return r.files.get('seccomp/x86_64.bpf');
  };
  const oursBytes = compileOurs('docker-default', '');
  // The same profile with the i386 and x32 ABIs allowed, as Docker's archMap does: for
  // comparing program sizes like for like (the policy above kills both ABIs, compat: deny).
  const oursCompatBytes = compileOurs('docker-default-compat', '  compat: allow\n');

  const oci = dockerToOci(moby, { arch: 'amd64', seccompArch: 'SCMP_ARCH_X86_64', caps: [], kernel });
  const libVersion = libseccompVersion();
  const lib = [1, 2].map((optimize) => ({ optimize, ...buildWithLibseccomp(oci, { arch: 'x86_64', optimize }) }));
  const unknownToLib = new Set(lib.flatMap((b) => b.unknownNames));

  const programs = [
    { id: 'ours', what: 'Sandforge', bytes: oursBytes },
    { id: 'l1', what: `libseccomp ${libVersion} optimize 1`, bytes: lib[0].program },
    { id: 'l2', what: `libseccomp ${libVersion} optimize 2 (tree)`, bytes: lib[1].program },
  ].map((p) => ({ ...p, insns: decodeProgram(p.bytes) }));
  const [ours, l1, l2] = programs;
  const oursCompat = decodeProgram(oursCompatBytes);

  const NRS = [];
  for (let nr = 0; nr <= MAX_NR; nr++) if (!isKernelPassthrough(AUDIT_ARCH_X86_64, nr)) NRS.push(nr);
  const nameOf = (nr) => syscallName('x86_64', nr) ?? `#${nr}`;

  // Argument vectors: all zero; then every boundary value in each argument alone and in all
  // six at once. Boundary values: the profile's comparison operands and their neighbours, and
  // the 32-bit edges; upper words 0, since on a 32-bit argument Sandforge reads the low word
  // only where libseccomp compares all 64 bits (docs/seccomp.md), a known, intended difference.
  const operands = oci.syscalls.flatMap((s) => (s.args ?? []).flatMap((a) => [a.value, a.valueTwo ?? 0]));
  const values = [...new Set([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, ...operands.flatMap((v) => [v - 1, v, v + 1])])]
    .filter((v) => Number.isSafeInteger(v) && v >= 0 && v <= 0xffffffff)
    .sort((x, y) => x - y);
  const vectors = [[0n, 0n, 0n, 0n, 0n, 0n]];
  for (const v of values) {
    for (let i = 0; i < 6; i++) vectors.push(Array.from({ length: 6 }, (_, j) => (j === i ? BigInt(v) : 0n)));
    vectors.push(Array(6).fill(BigInt(v)));
  }

  // Mismatches: (number, arguments) probes where a libseccomp program's verdict differs from
  // Sandforge's, grouped by syscall.
  const mismatch = new Map(lib.map((_, i) => [i, new Map()]));
  let probes = 0;
  for (const nr of NRS) {
    for (const args of vectors) {
      const w = sd(nr, args);
      const mine = runFilterWords(ours.insns, w).ret >>> 0;
      probes++;
      [l1, l2].forEach((p, i) => {
        const theirs = runFilterWords(p.insns, w).ret >>> 0;
        if (theirs === mine) return;
        const m = mismatch.get(i);
        if (!m.has(nr)) m.set(nr, { count: 0, example: `${nameOf(nr)}(${args.map((x) => `0x${x.toString(16)}`).join(', ')}): Sandforge ${formatRet(mine)}, libseccomp ${formatRet(theirs)}` });
        m.get(nr).count++;
      });
    }
  }

  // Unconditional allows: names in a kept ALLOW entry without argument tests.
  const unconditional = new Set(
    oci.syscalls
      .filter((s) => s.action === 'SCMP_ACT_ALLOW' && !(s.args ?? []).length)
      .flatMap((s) => s.names)
      .map((n) => syscallNumber('x86_64', n))
      .filter((nr) => nr !== undefined && NRS.includes(nr)),
  );

  const zero = vectors[0];
  for (const p of programs) {
    p.runs = new Map(NRS.map((nr) => [nr, runFilterWords(p.insns, sd(nr, zero))]));
    p.allowed = NRS.filter((nr) => p.runs.get(nr).ret >>> 0 === SECCOMP_RET_ALLOW);
    const uncond = p.allowed.filter((nr) => unconditional.has(nr));
    p.cache = { of: uncond.length, eligible: uncond.filter((nr) => isConstAllow(p.insns, AUDIT_ARCH_X86_64, nr)).length };
  }
  const common = ours.allowed.filter((nr) => l1.allowed.includes(nr) && l2.allowed.includes(nr));
  const statsOver = (p, nrs) => {
    const steps = nrs.map((nr) => p.runs.get(nr).steps);
    return { avg: mean(steps), max: Math.max(...steps) };
  };
  for (const p of programs) {
    p.own = statsOver(p, p.allowed);
    p.common = statsOver(p, common);
    const parts = common.map((nr) => tracePath(p.insns, sd(nr, zero)));
    p.where = Object.fromEntries(Object.keys(parts[0]).map((k) => [k, mean(parts.map((x) => x[k]))]));
    const hist = new Map();
    for (const nr of common) hist.set(p.runs.get(nr).steps, (hist.get(p.runs.get(nr).steps) ?? 0) + 1);
    p.hist = [...hist].sort((x, y) => x[0] - y[0]);
  }
  const sameAllowed = programs.every((p) => p.allowed.length === common.length);

  // (b) Hot loops in the kernel.
  const bin = join(tmp, 'seccomp-loop');
  const cc = spawnSync('gcc', ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-o', bin, LOOP_SOURCE], { encoding: 'utf8' });
  if (cc.error) throw new Error(`cannot run gcc (system package gcc, see scripts/system-packages.json): ${cc.error.message}`);
  if (cc.status !== 0) throw new Error(`gcc failed on ${LOOP_SOURCE}:\n${cc.stderr}`);
  const variants = [
    { what: 'no filter', file: '-' },
    ...programs.map((p) => {
      const file = join(tmp, `${p.id}.bpf`);
      writeFileSync(file, p.bytes);
      return { what: p.what, file, program: p };
    }),
  ];
  const calls = [CACHE_SYSCALL, COND_SYSCALL];
  for (const v of variants) v.ns = Object.fromEntries(calls.map((c) => [c, []]));
  let baseFilters = null;
  const runLoop = (v) => {
    // spawnSync waits for (reaps) the child, also when the timeout kills it.
    const r = spawnSync(bin, [v.file, String(BATCHES), String(BATCH_CALLS), ...calls], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    if (r.error) throw new Error(`seccomp-loop (${v.what}): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`seccomp-loop (${v.what}) exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
    const out = {};
    for (const m of r.stdout.matchAll(/^(\w+) ns_per_call=([\d.]+) min=([\d.]+) filters=(-?\d+)$/gm)) out[m[1]] = { ns: Number(m[2]), filters: Number(m[4]) };
    for (const c of calls) {
      if (!out[c]) throw new Error(`seccomp-loop (${v.what}) printed no result for ${c}: ${r.stdout}`);
      // The bench itself may run under a seccomp filter already; the loop must add exactly one.
      if (v.file === '-') baseFilters ??= out[c].filters;
      const want = v.file === '-' ? baseFilters : baseFilters === null ? null : baseFilters + 1;
      if (want !== null && out[c].filters !== want) throw new Error(`seccomp-loop (${v.what}): ${out[c].filters} seccomp filters in force, expected ${want}`);
    }
    return out;
  };
  runLoop(variants[0]); // establishes the inherited filter count, and warms the binary's pages
  for (let i = 0; i < ROUNDS + 1; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length];
      const out = runLoop(v);
      if (i === 0) continue; // warm-up round
      for (const c of calls) v.ns[c].push(out[c].ns);
    }
  }
  const condNr = syscallNumber('x86_64', COND_SYSCALL);
  const cacheNr = syscallNumber('x86_64', CACHE_SYSCALL);

  // -------------------------------------------------------------------------------------------
  // Output.
  const f1 = (x) => x.toFixed(1);
  const f2 = (x) => x.toFixed(2);
  const pct = (c) => (c.of === 0 ? 'n/a' : `${((100 * c.eligible) / c.of).toFixed(1)} % (${c.eligible}/${c.of})`);
  const isUnknown = (nr) => unknownToLib.has(nameOf(nr));
  const misCell = (i) => {
    const m = mismatch.get(i);
    if (m.size === 0) return '0';
    const unknown = [...m.keys()].filter(isUnknown).length;
    return unknown === m.size ? `${m.size} (all unknown to libseccomp)` : `${m.size} (${unknown} unknown to libseccomp)`;
  };

  console.log(`sandforge seccomp benchmark — Docker's default profile (moby-default.json), x86_64, no capabilities, kernel ${kernel.join('.')} for minKernel`);
  console.log(
    `(a) emulated: x86_64 numbers 0..${MAX_NR} without the kernel's passthrough ones (${NRS.length}); ${vectors.length} argument vectors each (${probes} probes per program)`,
  );
  console.log(
    table(
      ['program', 'instructions', 'allowed', 'avg executed', 'max executed', 'cache-eligible', 'mismatches'],
      [
        ...programs.map((p, i) => [p.what, String(p.insns.length), String(p.allowed.length), f2(p.own.avg), String(p.own.max), pct(p.cache), i === 0 ? '—' : misCell(i - 1)]),
        ['Sandforge, compat: allow (i386, x32 too, like Docker)', String(oursCompat.length), '', '', '', '', ''],
      ],
    ),
  );
  console.log('instructions: program length. allowed: x86_64 numbers whose verdict with zero arguments is ALLOW.');
  console.log('avg/max executed: instructions run (ret included) by one call of an allowed syscall with zero arguments.');
  console.log("cache-eligible: of the syscalls the profile allows unconditionally, the share the kernel's action cache takes");
  console.log('  (kernel/seccomp.c seccomp_is_const_allow, re-implemented in const-allow.ts). mismatches: syscalls with a probe');
  console.log("  whose verdict differs from Sandforge's. The last row is the same profile with compat: allow, for comparing sizes");
  console.log('  like for like: Docker keeps i386 and x32 (archMap), the policy above kills both ABIs (compat: deny, the default).');
  if (!sameAllowed) {
    console.log(`avg / max executed over the ${common.length} syscalls all three allow: ${programs.map((p) => `${p.what} ${f2(p.common.avg)} / ${p.common.max}`).join('; ')}`);
    for (const p of programs) {
      const extra = p.allowed.filter((nr) => !common.includes(nr));
      if (extra.length) console.log(`only ${p.what} allows: ${extra.map(nameOf).join(', ')}`);
    }
  }
  for (const [i, m] of mismatch) {
    if (m.size === 0) continue;
    const probesOff = [...m.values()].reduce((n, x) => n + x.count, 0);
    const list = (nrs) => nrs.map((nr) => nameOf(nr)).join(', ');
    const unknown = [...m.keys()].filter(isUnknown);
    const other = [...m.keys()].filter((nr) => !isUnknown(nr));
    console.log(`mismatches vs ${programs[i + 1].what}: ${probesOff} probes over ${m.size} syscalls, e.g. ${m.values().next().value.example}`);
    if (unknown.length) console.log(`  names libseccomp ${libVersion} does not know: ${list(unknown)}`);
    for (const nr of other) console.log(`  ${m.get(nr).example} (${m.get(nr).count} of ${vectors.length} probes)`);
  }
  if (unknownToLib.size) console.log(`names of the profile libseccomp ${libVersion} does not know, left out of its programs (as runc does): ${[...unknownToLib].join(', ')}`);

  const avgRatio = ours.own.avg / l2.own.avg;
  const commonRatio = ours.common.avg / l2.common.avg;
  const mismatched = new Set([...mismatch.values()].flatMap((m) => [...m.keys()]));
  const unexplained = [...mismatched].filter((nr) => !isUnknown(nr));
  const mark = (ok) => (ok ? '✓' : '✗');
  console.log('');
  console.log(
    `ratios, Sandforge / ${l2.what}: instructions ${f2(ours.insns.length / l2.insns.length)}× (compat: allow ${f2(oursCompat.length / l2.insns.length)}×), ` +
      `avg executed ${f2(avgRatio)}×${sameAllowed ? '' : ` (${f2(commonRatio)}× over the common set)`}, max executed ${f2(ours.own.max / l2.own.max)}×`,
  );
  console.log(`targets: ${mark(avgRatio <= TARGET_AVG_RATIO && commonRatio <= TARGET_AVG_RATIO)} avg ≤ ${TARGET_AVG_RATIO} × level 2's (${avgRatio.toFixed(3)}×${sameAllowed ? '' : `; common set ${commonRatio.toFixed(3)}×`})`);
  console.log(`         ${mark(ours.own.max <= l2.own.max)} max ≤ level 2's (${ours.own.max} vs ${l2.own.max})`);
  console.log(
    `         ${mark(unexplained.length === 0)} zero verdict mismatches on the syscalls both compilers know (${unexplained.length === 0 ? '0' : unexplained.map(nameOf).join(', ')})` +
      (mismatched.size > unexplained.length ? `; ${mismatched.size - unexplained.length} newer than libseccomp ${libVersion}'s table differ (the profile allows them, libseccomp cannot name them)` : ''),
  );
  console.log(`         ${mark(ours.cache.of > 0 && ours.cache.eligible === ours.cache.of)} 100 % of unconditional allows cache-eligible (${pct(ours.cache)})`);

  console.log('');
  console.log(`where the executed instructions go (mean per allowed syscall${sameAllowed ? '' : ', common set'}, zero arguments):`);
  console.log(
    table(
      ['program', 'arch check', 'ld nr', 'nr compares', 'arg tests', 'ja', 'ret', 'total'],
      programs.map((p) => [p.what, f2(p.where.arch), f2(p.where.nrLoad), f2(p.where.nrCmp), f2(p.where.args), f2(p.where.ja), f2(p.where.ret), f2(p.common.avg)]),
    ),
  );
  console.log('executed instructions → number of allowed syscalls (common set):');
  for (const p of programs) {
    const dist = p.hist.length <= 16 ? p.hist.map(([s, n]) => `${s}:${n}`).join('  ') : `${p.hist.length} different counts, ${p.hist[0][0]} to ${p.hist[p.hist.length - 1][0]} (a linear scan)`;
    console.log(`  ${p.what}: ${dist}`);
  }

  console.log('');
  console.log(
    `(b) kernel: per child process and syscall, the median of ${BATCHES} batches of ${BATCH_CALLS.toLocaleString('en')} calls (after one warm-up batch); ` +
      `${ROUNDS} interleaved rounds after one warm-up round; the median of the rounds, ns per call`,
  );
  const base = variants[0];
  const rowsB = variants.map((v) => {
    const cells = [v.what];
    for (const c of calls) {
      const m = median(v.ns[c]);
      const b = median(base.ns[c]);
      cells.push(f1(m), v === base ? '1.00×' : `${f2(m / b)}×`, v === base ? '' : `${m - b >= 0 ? '+' : ''}${f1(m - b)}`);
    }
    const p = v.program;
    cells.push(p ? `${p.runs.get(cacheNr).steps} / ${runFilterWords(p.insns, sd(condNr, [0xffffffffn])).steps}` : '—');
    cells.push(p ? `${isConstAllow(p.insns, AUDIT_ARCH_X86_64, cacheNr) ? 'yes' : 'no'} / ${isConstAllow(p.insns, AUDIT_ARCH_X86_64, condNr) ? 'yes' : 'no'}` : '—');
    return cells;
  });
  console.log(
    table(
      ['filter', `${CACHE_SYSCALL} ns`, 'vs none', 'Δ ns', `${COND_SYSCALL}(0xffffffff) ns`, 'vs none', 'Δ ns', 'emulated insns', 'cache-eligible'],
      rowsB,
    ),
  );
  const range = (xs) => `${f1(Math.min(...xs))}–${f1(Math.max(...xs))}`;
  console.log(`spread of the rounds (min–max ns): ${variants.map((v) => `${v.what} ${calls.map((c) => range(v.ns[c])).join(' / ')}`).join('; ')}`);
  console.log(`Δ: median minus no filter's. ${CACHE_SYSCALL} is decided from arch and number alone under every filter, so the kernel's`);
  console.log('action cache allows it without running the program (kernel/seccomp.c seccomp_run_filters asks');
  console.log('seccomp_cache_check_allow first): its Δ is the price of having a filter at all — the entry leaves the syscall');
  console.log('fast path for __secure_computing, which fills struct seccomp_data and tests the cache bitmap — and is the same');
  console.log(`for every program. ${COND_SYSCALL} is allowed only for a few argument values, so no program is cache-eligible for`);
  console.log(`it and the program runs on every call: its Δ is that price plus a run of the instructions counted in the`);
  console.log(`emulated-insns column (${CACHE_SYSCALL} / ${COND_SYSCALL}(0xffffffff)), JIT-compiled when bpf_jit_enable is 1.`);

  console.log('');
  console.log(`machine: ${machine()}`);
  console.log(
    `bpf_jit_enable ${readTrim('/proc/sys/net/core/bpf_jit_enable')}; spec_store_bypass: ${readTrim('/sys/devices/system/cpu/vulnerabilities/spec_store_bypass')}`,
  );
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
