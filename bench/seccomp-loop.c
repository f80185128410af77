/*
 * seccomp-loop: the kernel half of `npm run bench:seccomp` (bench/seccomp.mjs compiles this file
 * with gcc into a temporary directory at run time). It installs one seccomp-BPF program, or
 * none, and then times hot loops of system calls.
 *
 *   seccomp-loop FILTER|- BATCHES CALLS SYSCALL...
 *
 * FILTER is a raw struct sock_filter[] file (out/seccomp/x86_64.bpf, or what
 * seccomp_export_bpf(3) writes); "-" installs nothing, the baseline. For each SYSCALL, in order:
 *   getppid      syscall(SYS_getppid): no arguments, so every filter can decide it from the
 *                number alone and the kernel's action cache (Linux >= 5.11) skips the filter;
 *   personality  syscall(SYS_personality, 0xffffffff): the query form, which changes nothing.
 *                Docker's profile allows personality only for a few argument values, so no
 *                filter of that profile is cache-eligible for it: the filter runs every time.
 the program makes CALLS warm-up calls, then BATCHES batches of CALLS calls, each timed with
 * clock_gettime(CLOCK_MONOTONIC), and prints one line:
 *   SYSCALL ns_per_call=MEDIAN min=MIN filters=K
 * MEDIAN and MIN are over the batches: a batch that a preemption or an interrupt landed in
 * (this is a 2-core VM shared with other work) moves the median of many batches far less
 * than it moves one long loop. K is Seccomp_filters from /proc/self/status (proc(5)), read
 * after the loops, so the caller can check that the filter really was in force or absent.
 *
 * Installation is what runc and bubblewrap do without CAP_SYS_ADMIN: PR_SET_NO_NEW_PRIVS, then
 * seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) (seccomp(2)). No flags: in particular not
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW, like libseccomp's default, so every variant is set up alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if !defined(__x86_64__)
#error "seccomp-loop times x86_64 system calls: build it for x86_64"
#endif

static void die(const char *what)
{
	fprintf(stderr, "seccomp-loop: %s: %s\n", what, strerror(errno));
	exit(125);
}

static void usage(void)
{
	fprintf(stderr, "usage: seccomp-loop FILTER|- BATCHES CALLS getppid|personality...\n");
	exit(2);
}

/* BPF_MAXINSNS (include/uapi/linux/bpf_common.h): the kernel refuses longer programs. */
static struct sock_filter insns[BPF_MAXINSNS];

static void install(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die(path);
	size_t n = fread(insns, 1, sizeof insns, f);
	if (ferror(f))
		die(path);
	int more = fgetc(f) != EOF;
	fclose(f);
	if (more || n == 0 || n % sizeof insns[0] != 0) {
		fprintf(stderr, "seccomp-loop: %s: %zu bytes is not 1..%d struct sock_filter\n", path, n, BPF_MAXINSNS);
		exit(2);
	}
	struct sock_fprog prog = { .len = (unsigned short)(n / sizeof insns[0]), .filter = insns };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("prctl(PR_SET_NO_NEW_PRIVS)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		die("seccomp(SECCOMP_SET_MODE_FILTER)");
}

/* Seccomp_filters: from /proc/self/status (Linux >= 5.9), or -1 if the line is missing. */
static long filters(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		die("/proc/self/status");
	char line[256];
	long k = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Seccomp_filters: %ld", &k) == 1)
			break;
	fclose(f);
	return k;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double now_ns(void)
{
	struct timespec t;
	if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
		die("clock_gettime");
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/*
 * One call; a result the baseline would not give (a filter's errno, say) ends the run, so a
 * filter that denies the timed call cannot pass for a fast one.
 */
static long call(int which)
{
	long r = which == 0 ? syscall(SYS_getppid) : syscall(SYS_personality, 0xffffffffUL);
	if (r < 0)
		die(which == 0 ? "getppid" : "personality(0xffffffff)");
	return r;
}

/* Upper bound of BATCHES, so that the per-batch times need no allocation. */
#define MAX_BATCHES 1000

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end != '\0' || end == s || v < lo || v > hi)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 5 || argc - 4 > 8)
		usage();
	long batches = number(argv[2], 1, MAX_BATCHES);
	long calls = number(argv[3], 1, 1000000000L);
	int which[8];
	int count = argc - 4;
	for (int i = 0; i < count; i++) {
		if (strcmp(argv[4 + i], "getppid") == 0)
			which[i] = 0;
		else if (strcmp(argv[4 + i], "personality") == 0)
			which[i] = 1;
		else
			usage();
	}
	if (strcmp(argv[1], "-") != 0)
		install(argv[1]);
	static double per_call[MAX_BATCHES];
	for (int i = 0; i < count; i++) {
		/* volatile: the loop must make every call, whatever the optimiser thinks of syscall(). */
		volatile long sink = 0;
		for (long j = 0; j < calls; j++)
			sink += call(which[i]);
		for (long b = 0; b < batches; b++) {
			double t0 = now_ns();
			for (long j = 0; j < calls; j++)
				sink += call(which[i]);
			per_call[b] = (now_ns() - t0) / (double)calls;
		}
		(void)sink;
		qsort(per_call, (size_t)batches, sizeof per_call[0], by_value);
		double median = batches % 2 ? per_call[batches / 2] : (per_call[batches / 2 - 1] + per_call[batches / 2]) / 2;
		printf("%s ns_per_call=%.2f min=%.2f filters=%ld\n", argv[4 + i], median, per_call[0], filters());
	}
	return 0;
}
