import type { Reporter, File, Task } from 'vitest';

/**
 * Prints the plain closing line `N passed, N failed, N skipped` after vitest's own summary,
 * and under CI (CI=true) fails the run if any test was skipped: CI machines have every kernel
 * feature, so a skip there means a probe or an install step is broken.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: File[] = []): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    const visit = (t: Task, path: string) => {
      const name = path ? `${path} > ${t.name}` : t.name;
      if (t.type === 'test') {
        if (t.mode === 'skip' || t.mode === 'todo' || t.result?.state === 'skip') skipped.push(name);
        else if (t.result?.state === 'pass') passed++;
        else if (t.result?.state === 'fail') failed++;
      } else if ('tasks' in t) {
        for (const c of t.tasks) visit(c, t.type === 'suite' && t.name ? name : path || t.name);
      }
    };
    for (const f of files) {
      if (f.result?.state === 'fail' && f.tasks.length === 0) failed++; // a file that failed to load
      visit(f, '');
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
    if (process.env['CI'] && skipped.length > 0) {
      process.stdout.write(`CI must not skip tests; skipped:\n${skipped.map((s) => `  - ${s}`).join('\n')}\n`);
      process.exitCode = 1;
    }
  }
}
