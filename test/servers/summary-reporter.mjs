// A @web/test-runner reporter that writes pass/fail/skip totals to a JSON file for tools/run-tests.ts.
import { writeFileSync } from 'node:fs';

function count(suite, totals) {
  for (const test of suite?.tests ?? []) {
    totals.ms += test.duration ?? 0;
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite?.suites ?? []) count(child, totals);
}

/**
 * Counts every test of every session; a session that failed to run at all counts as one failure.
 * Per-file times let run-tests.ts print the slowest files: CI's budget is kept by knowing where it goes. A file's
 * wall time (from the previous file's end, with concurrency 1) also holds its hooks, page load and workers' start-up.
 */
export function summaryReporter(file) {
  const wall = new Map();
  let last = Date.now();
  return {
    start() { last = Date.now(); },
    onTestRunStarted() { last = Date.now(); },
    reportTestFileResults({ testFile }) {
      const now = Date.now();
      wall.set(testFile, now - last);
      last = now;
    },
    onTestRunFinished({ sessions }) {
      if (!file) return;
      const totals = { passed: 0, failed: 0, skipped: 0, ms: 0, files: [], timings: [] };
      for (const session of sessions) {
        const before = totals.failed;
        const msBefore = totals.ms;
        count(session.testResults, totals);
        totals.timings.push({ file: session.testFile, ms: totals.ms - msBefore, wallMs: wall.get(session.testFile) });
        const broken = !session.passed && totals.failed === before;
        if (broken) totals.failed += 1;
        if (!session.passed) totals.files.push(session.testFile);
      }
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}
