// Prints the browser tests that failed or needed a retry, with the first
// lines of each error, from Playwright's JSON report. Run after a failed
// `cargo leptos end-to-end`, so the reason is the last thing a CI log shows.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "test-results/report.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.log(`no browser test report at ${file}: ${error.message}`);
  process.exit(0);
}

const strip = (text) => text.replace(/\u001b\[[0-9;]*m/g, "");

function* specs(suite, path = []) {
  const here = suite.title ? [...path, suite.title] : path;
  for (const spec of suite.specs ?? []) yield [here, spec];
  for (const child of suite.suites ?? []) yield* specs(child, here);
}

let shown = 0;
for (const top of report.suites ?? []) {
  for (const [path, spec] of specs(top)) {
    for (const test of spec.tests ?? []) {
      if (test.status === "expected" || test.status === "skipped") continue;
      shown += 1;
      const where = `${spec.file}:${spec.line}`;
      console.log(`\n[${test.status}] [${test.projectName}] ${where} › ${[...path.slice(1), spec.title].join(" › ")}`);
      for (const result of test.results ?? []) {
        for (const error of result.errors ?? []) {
          const lines = strip(error.message ?? String(error.value ?? "")).split("\n").slice(0, 12);
          console.log(`  try ${result.retry + 1} (${result.status}):`);
          for (const line of lines) console.log(`    ${line}`);
        }
      }
    }
  }
}
const stats = report.stats ?? {};
console.log(
  `\nbrowser tests: ${stats.expected ?? 0} passed, ${stats.unexpected ?? 0} failed, ${stats.flaky ?? 0} passed on retry, ${stats.skipped ?? 0} skipped` +
    (shown === 0 ? " (none to show)" : ""),
);
