#!/usr/bin/env node
// The test command (`npm test`): installs the system packages the tests need when they are
// missing, builds the web UI, then runs type-check, lint and every vitest suite (unit,
// integration, browser). Ends with one line `N passed, N failed` derived from vitest's JSON
// report (type-check and lint count as one check each) and exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const reportFile = join(root, "test-results", "vitest.json");
const steps = [];

function run(name, command, args, options = {}) {
  console.log(`\n▶ ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  const ok = result.status === 0;
  steps.push({ name, ok });
  if (!ok) console.error(`✖ ${name} failed (exit ${result.status ?? result.signal})`);
  return ok;
}

function has(binary) {
  return spawnSync("sh", ["-c", `command -v ${binary}`], { stdio: "ignore" }).status === 0;
}

/** Installs Debian packages the browser and Redis tests need, when missing and possible. */
function ensureSystemPackages() {
  const wanted = [];
  if (!existsSync("/usr/bin/chromium")) wanted.push("chromium");
  // The Redis store's tests start their own redis-server.
  if (!has("redis-server")) wanted.push("redis-server");
  // promtool and a Prometheus server check and scrape GET /metrics.
  if (!has("promtool") || !has("prometheus")) wanted.push("prometheus");
  if (wanted.length === 0) return;
  if (!has("apt-get") || process.getuid?.() !== 0) {
    console.warn(`Missing system packages: ${wanted.join(", ")}. Install them with apt-get.`);
    return;
  }
  console.log(`Installing ${wanted.join(", ")} with apt-get…`);
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["install", "-y", "-qq", ...wanted], { stdio: "inherit", env });
}

ensureSystemPackages();
mkdirSync(join(root, "test-results"), { recursive: true });

// The package build (dist/ and web/dist/) is what the browser and Next.js tests serve.
run("build", "npm", ["run", "--silent", "build"]);
run("type-check", "npm", ["run", "--silent", "typecheck"]);
run("lint", "npm", ["run", "--silent", "lint"]);
run("vitest", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${reportFile}`,
]);

let passed = 0;
let failed = 0;
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  const pending = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (pending > 0) {
    console.error(`✖ ${pending} skipped or todo tests: every test must run.`);
    failed += pending;
  }
} else {
  failed += 1;
}
for (const step of steps) {
  if (step.name === "vitest") continue;
  if (step.ok) passed += 1;
  else failed += 1;
}
const vitestStep = steps.find((s) => s.name === "vitest");
if (vitestStep && !vitestStep.ok && failed === 0) failed = 1;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
