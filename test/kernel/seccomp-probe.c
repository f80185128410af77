/*
 * seccomp-probe: asks the real kernel what a seccomp-BPF program decides.
 * Driven by test/support/seccomp-kernel.ts, which compiles this file with gcc at test time.
 *
 *   seccomp-probe probe       batches of (program, probes) on stdin, verdicts on stdout
 *   seccomp-probe exec FD CMD ARG...
 *                             read a program from FD, install it, execvp(CMD) under it
 *
 * probe mode. For each job the parent maps a MAP_SHARED result area and forks a child. The
 * child sets PR_SET_NO_NEW_PRIVS (seccomp(2): required without CAP_SYS_ADMIN), installs the
 * program with seccomp(SECCOMP_SET_MODE_FILTER), then issues every probe with inline asm:
 * `syscall` with the full 64-bit registers (x86_64, x32) or `int $0x80` (i386 through the
 * compat entry). The TypeScript side rewrote every RET of the program into a distinct
 * SECCOMP_RET_ERRNO marker, so no probed syscall ever runs: each returns -marker, which is
 * stored with the address the kernel reports as instruction_pointer (the instruction after the
 * trap, KSTK_EIP). After installation the child makes no library call and no system call of
 * its own (they would be filtered as well — exit_group included), so it cannot exit: it sets
 * a done flag and spins, and the parent, which polls the flag, SIGKILLs and reaps it.
 *
 * Input (little-endian): "SFPROBE1", u32 njobs, u32 timeout_ms per job; then per job u32 ninsn,
 * u32 nprobe, ninsn x struct sock_filter, nprobe x { u32 abi (0 x86_64, 1 x32, 2 i386); u32 nr;
 * u64 args[6] }.
 * Output per job: i32 status (0 ok, 1 install failed, 2 child died, 3 timed out), i32 detail
 * (errno, signal or 0), u32 completed probes, u32 0, then nprobe x { i64 return; u64 ip }.
 * A probe that kills the child by a signal gets KILLED_BY(signal) and the job goes on in a
 * new child, so one batch survives programs that can kill (only `div x` by 0 can, once every
 * RET is an errno).
 *
 * Must be built for x86_64 with -mno-red-zone: the i386 stub saves %rbp on the stack.
 * Built with -no-pie so that the reported instruction pointers are the same in every run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if !defined(__x86_64__)
#error "seccomp-probe issues x86_64, x32 and i386 system calls: build it for x86_64"
#endif

enum { ABI_X86_64 = 0, ABI_X32 = 1, ABI_I386 = 2 };
enum { ST_OK = 0, ST_INSTALL = 1, ST_DIED = 2, ST_TIMEOUT = 3 };
/* Result of a probe that killed the child with signal s: far outside -4095..0. */
#define KILLED_BY(s) ((int64_t)(0x7fffffffffff0000ULL | (uint64_t)(s)))

struct probe {
	uint32_t abi;
	uint32_t nr;
	uint64_t args[6];
};

struct result {
	int64_t ret;
	uint64_t ip;
};

struct shared {
	volatile uint32_t state; /* 0 running, 1 done, 2 install failed */
	volatile uint32_t next;  /* index of the probe being issued */
	volatile int32_t err;
	uint32_t pad;
	struct result results[];
};

static void die(const char *what)
{
	fprintf(stderr, "seccomp-probe: %s: %s\n", what, strerror(errno));
	exit(125);
}

static uint8_t *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	if (!buf)
		die("malloc");
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die("realloc");
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read");
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

/* x86_64 and x32: the 64-bit `syscall` instruction; rax=nr, rdi rsi rdx r10 r8 r9 = args.
 * The kernel clobbers rcx (return address) and r11 (flags). */
__attribute__((noinline, noclone)) static void probe_syscall(const struct probe *p, struct result *out)
{
	register uint64_t rax __asm__("rax") = p->nr;
	register uint64_t r10 __asm__("r10") = p->args[3];
	register uint64_t r8 __asm__("r8") = p->args[4];
	register uint64_t r9 __asm__("r9") = p->args[5];
	uint64_t ip;
	__asm__ volatile("lea 1f(%%rip), %[ip]\n\t"
			 "syscall\n"
			 "1:"
			 : "+r"(rax), [ip] "=&r"(ip)
			 : "D"(p->args[0]), "S"(p->args[1]), "d"(p->args[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory", "cc");
	out->ret = (int64_t)rax;
	out->ip = ip;
}

/* i386: `int $0x80`; eax=nr, ebx ecx edx esi edi ebp = args. The registers are loaded whole,
 * so whatever the caller put in their upper halves is what the compat entry sees. %rbp is the
 * sixth argument, so it is saved around the trap; r8-r11 are declared clobbered because older
 * kernels zeroed them on the int $0x80 return path. */
__attribute__((noinline, noclone)) static void probe_int80(const struct probe *p, struct result *out)
{
	uint64_t rax = p->nr, rbx = p->args[0], rcx = p->args[1], rdx = p->args[2];
	uint64_t rsi = p->args[3], rdi = p->args[4], rbp = p->args[5];
	uint64_t ip;
	__asm__ volatile("push %%rbp\n\t"
			 "mov %[bp], %%rbp\n\t"
			 "lea 1f(%%rip), %[ip]\n\t"
			 "int $0x80\n"
			 "1:\n\t"
			 "pop %%rbp"
			 : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi), "+D"(rdi), [ip] "=&r"(ip)
			 : [bp] "r"(rbp)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	/* The compat return value is the 32-bit eax, sign-extended like the kernel's long. */
	out->ret = (int64_t)(int32_t)(uint32_t)rax;
	out->ip = ip;
}

static void child(pid_t parent, const struct sock_filter *insns, uint32_t ninsn, const struct probe *probes,
		  uint32_t start, uint32_t nprobe, struct shared *sh)
{
	/* Die with the parent, whatever happens to it (prctl(2) PR_SET_PDEATHSIG). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(1);
	struct sock_fprog prog = { .len = (unsigned short)ninsn, .filter = (struct sock_filter *)insns };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
		sh->err = errno;
		__atomic_store_n(&sh->state, 2, __ATOMIC_RELEASE);
		_exit(0);
	}
	/* From here on: memory accesses and the probes only. */
	for (uint32_t i = start; i < nprobe; i++) {
		sh->next = i;
		if (probes[i].abi == ABI_I386)
			probe_int80(&probes[i], &sh->results[i]);
		else
			probe_syscall(&probes[i], &sh->results[i]);
	}
	sh->next = nprobe;
	__atomic_store_n(&sh->state, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("pause");
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put(const void *p, size_t n)
{
	if (fwrite(p, 1, n, stdout) != n)
		die("write");
}

/* Forks a child that issues probes start..nprobe-1. Returns ST_OK when it published its
 * results, ST_INSTALL, ST_TIMEOUT, or ST_DIED with *detail = the signal (or -exit status);
 * the child is always reaped. */
static int32_t run_child(const struct sock_filter *insns, uint32_t ninsn, const struct probe *probes, uint32_t start,
			 uint32_t nprobe, struct shared *sh, int64_t deadline, int32_t *detail)
{
	pid_t parent = getpid();
	fflush(stdout);
	__atomic_store_n(&sh->state, 0, __ATOMIC_RELEASE);
	sh->next = start;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		child(parent, insns, ninsn, probes, start, nprobe, sh);

	int32_t status = ST_TIMEOUT;
	int reaped = 0, ws = 0;
	*detail = 0;
	for (;;) {
		uint32_t st = __atomic_load_n(&sh->state, __ATOMIC_ACQUIRE);
		if (st == 1 || st == 2)
			break;
		pid_t w = waitpid(pid, &ws, WNOHANG);
		if (w == pid) {
			reaped = 1;
			break;
		}
		if (now_ms() > deadline)
			break;
		struct timespec pause = { 0, 100000 };
		nanosleep(&pause, NULL);
	}
	/* The state may have been published just before a death: it wins. */
	uint32_t st = __atomic_load_n(&sh->state, __ATOMIC_ACQUIRE);
	if (st == 1) {
		status = ST_OK;
	} else if (st == 2) {
		status = ST_INSTALL;
		*detail = sh->err;
	} else if (reaped) {
		status = ST_DIED;
		*detail = WIFSIGNALED(ws) ? WTERMSIG(ws) : -WEXITSTATUS(ws);
	}
	if (!reaped) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
	}
	return status;
}

static void run_job(const struct sock_filter *insns, uint32_t ninsn, const struct probe *probes, uint32_t nprobe,
		    uint32_t timeout_ms)
{
	size_t size = sizeof(struct shared) + (size_t)nprobe * sizeof(struct result);
	struct shared *sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	memset(sh, 0, size);
	int64_t deadline = now_ms() + timeout_ms;
	int32_t status, detail;
	uint32_t start = 0;
	for (;;) {
		status = run_child(insns, ninsn, probes, start, nprobe, sh, deadline, &detail);
		/* A probe that killed its child by a signal (e.g. SIGSYS: the program returned 0,
		 * KILL_THREAD, from `div x` with X = 0, which is no RET the caller could mark) gets
		 * KILLED_BY(signal) as its result; the remaining probes go to a fresh child. */
		if (status != ST_DIED || detail <= 0 || sh->next >= nprobe)
			break;
		sh->results[sh->next].ret = KILLED_BY(detail);
		sh->results[sh->next].ip = 0;
		start = sh->next + 1;
		if (start == nprobe) {
			status = ST_OK;
			detail = 0;
			sh->next = nprobe;
			break;
		}
	}
	uint32_t head[4];
	memcpy(&head[0], &status, 4);
	memcpy(&head[1], &detail, 4);
	head[2] = sh->next;
	head[3] = 0;
	put(head, sizeof head);
	put(sh->results, (size_t)nprobe * sizeof(struct result));
	munmap(sh, size);
}

static int probe_mode(void)
{
	size_t len, off = 16;
	uint8_t *in = read_all(0, &len);
	uint32_t njobs, timeout_ms;
	if (len < 16 || memcmp(in, "SFPROBE1", 8) != 0) {
		fprintf(stderr, "seccomp-probe: bad input header\n");
		return 125;
	}
	memcpy(&njobs, in + 8, 4);
	memcpy(&timeout_ms, in + 12, 4);
	for (uint32_t j = 0; j < njobs; j++) {
		uint32_t ninsn, nprobe;
		if (len - off < 8) {
			fprintf(stderr, "seccomp-probe: truncated input (job %u)\n", j);
			return 125;
		}
		memcpy(&ninsn, in + off, 4);
		memcpy(&nprobe, in + off + 4, 4);
		off += 8;
		size_t need = (size_t)ninsn * sizeof(struct sock_filter) + (size_t)nprobe * sizeof(struct probe);
		if (ninsn > 0xffff || len - off < need) {
			fprintf(stderr, "seccomp-probe: truncated input (job %u)\n", j);
			return 125;
		}
		/* Copies give the structs their natural alignment. */
		struct sock_filter *insns = malloc((size_t)ninsn * sizeof *insns + 1);
		struct probe *probes = malloc((size_t)nprobe * sizeof *probes + 1);
		if (!insns || !probes)
			die("malloc");
		memcpy(insns, in + off, (size_t)ninsn * sizeof *insns);
		off += (size_t)ninsn * sizeof *insns;
		memcpy(probes, in + off, (size_t)nprobe * sizeof *probes);
		off += (size_t)nprobe * sizeof *probes;
		run_job(insns, ninsn, probes, nprobe, timeout_ms);
		free(insns);
		free(probes);
	}
	free(in);
	if (fflush(stdout) != 0)
		die("write");
	return 0;
}

static int exec_mode(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: seccomp-probe exec FD CMD [ARG...]\n");
		return 125;
	}
	size_t len;
	uint8_t *bytes = read_all(atoi(argv[2]), &len);
	close(atoi(argv[2]));
	if (len == 0 || len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > 0xffff) {
		fprintf(stderr, "seccomp-probe: program of %zu bytes is not a struct sock_filter array\n", len);
		return 125;
	}
	struct sock_fprog prog = { .len = (unsigned short)(len / sizeof(struct sock_filter)),
				   .filter = (struct sock_filter *)bytes };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("prctl(PR_SET_NO_NEW_PRIVS)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		die("seccomp(SECCOMP_SET_MODE_FILTER)");
	execvp(argv[3], argv + 3);
	/* Under the filter even this report may be refused; the exit status says it anyway. */
	fprintf(stderr, "seccomp-probe: execvp %s: %s\n", argv[3], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "probe") == 0)
		return probe_mode();
	if (argc >= 2 && strcmp(argv[1], "exec") == 0)
		return exec_mode(argc, argv);
	fprintf(stderr, "usage: seccomp-probe probe | seccomp-probe exec FD CMD [ARG...]\n");
	return 125;
}
