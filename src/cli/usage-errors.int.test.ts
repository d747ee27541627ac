/**
 * Mistakes in the command line exit 2 (as README and exit-codes.ts promise) with one line
 * naming the mistake and one pointing at the command's help, before anything starts.
 */
import { describe, expect, it } from "vitest";
import { cliName } from "./cli-name.js";
import { runCli, type CliResult } from "./test-support/run-cli.js";

/** An address where no Redis listens: a refused command must fail before it connects. */
const NO_REDIS = "redis://127.0.0.1:1";

function expectUsageError(result: CliResult, message: string | RegExp, help: string): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(message);
  // `npx crewstream` unless crewstream is installed on the PATH (see cli-name.ts).
  const command = help.replace(/^crewstream/, cliName());
  expect(lines[1]).toBe(`(run \`${command} --help\` for usage)`);
  expect(result.stdout).toBe("");
}

describe("command-line mistakes", { timeout: 120_000 }, () => {
  it("an unknown flag exits 2 with the flag and the command's help", async () => {
    expectUsageError(
      await runCli(["run", "--bogus"]),
      "error: unknown option '--bogus'",
      "crewstream run",
    );
  });

  it("an unknown command exits 2", async () => {
    expectUsageError(await runCli(["bogus"]), "error: unknown command 'bogus'", "crewstream");
  });

  it("an unknown memory action exits 2 naming the actions", async () => {
    expectUsageError(
      await runCli(["memory", "forget"]),
      "error: command-argument value 'forget' is invalid for argument 'action'. Allowed choices are list, reset.",
      "crewstream memory",
    );
  });

  it("too many arguments exit 2", async () => {
    expectUsageError(await runCli(["run", "a", "b"]), /too many arguments/, "crewstream run");
  });

  it("a port out of range exits 2 saying what to give, with and without --redis", async () => {
    const expected =
      /--port <port>' argument '99999' is invalid\. Give a whole number from 0 to 65535\./;
    expectUsageError(await runCli(["serve", "--port", "99999"]), expected, "crewstream serve");
    expectUsageError(
      await runCli(["serve", "--redis", NO_REDIS, "--port", "99999"]),
      expected,
      "crewstream serve",
    );
    expectUsageError(
      await runCli(["serve", "--port", "80.5"]),
      /argument '80\.5' is invalid/,
      "crewstream serve",
    );
  });

  it("a bad number from an environment variable exits 2 naming the variable", async () => {
    expectUsageError(
      await runCli(["serve"], { env: { CREWSTREAM_PORT: "http" } }),
      /from env 'CREWSTREAM_PORT' is invalid\. Give a whole number from 0 to 65535\./,
      "crewstream serve",
    );
  });

  it("counts and durations are checked by the same parser", async () => {
    expectUsageError(
      await runCli(["worker", "--redis", NO_REDIS, "--concurrency", "0"]),
      /--concurrency <n>' argument '0' is invalid\. Give a whole number of runs from 1 to 1000\./,
      "crewstream worker",
    );
    expectUsageError(
      await runCli(["worker", "--redis", NO_REDIS, "--stall-ms", "5s"]),
      /--stall-ms <ms>' argument '5s' is invalid\. Give a whole number of milliseconds, at least 100\./,
      "crewstream worker",
    );
    expectUsageError(
      await runCli(["serve", "--max-runs", "-1"]),
      /--max-runs <n>' argument '-1' is invalid/,
      "crewstream serve",
    );
    expectUsageError(
      await runCli(["serve", "--max-streams-per-client", "0"]),
      /--max-streams-per-client <n>' argument '0' is invalid\. Give a whole number of streams from 1 to 100000\./,
      "crewstream serve",
    );
    expectUsageError(
      await runCli(["runs", "--limit", "many"]),
      /--limit <n>' argument 'many' is invalid/,
      "crewstream runs",
    );
    expectUsageError(
      await runCli(["replay", "abcdef", "--speed", "0"]),
      /--speed <factor>' argument '0' is invalid\. Give a number from 0\.01 to 1000\./,
      "crewstream replay",
    );
  });

  it("a status that does not exist exits 2 listing the ones that do", async () => {
    expectUsageError(
      await runCli(["runs", "--status", "done"]),
      /Allowed choices are queued, running, completed, failed, cancelled/,
      "crewstream runs",
    );
  });

  it.each([
    ["--db", "x.db", /--db does nothing with --redis: runs are stored in Redis/],
    ["--no-persist", undefined, /--no-persist does nothing with --redis/],
    ["--max-runs", "3", /--max-runs does nothing with --redis: .*worker --concurrency/],
    ["--model", "offline", /--model does nothing with --redis: .*worker --model/],
  ])("serve --redis refuses %s, which does nothing in cluster mode", async (flag, value, why) => {
    const args = ["serve", "--redis", NO_REDIS, flag, ...(value === undefined ? [] : [value])];
    expectUsageError(await runCli(args), why, "crewstream serve");
  });

  it("serve without --redis refuses the flags only cluster mode uses", async () => {
    expectUsageError(
      await runCli(["serve", "--stall-ms", "500"]),
      "error: --stall-ms only applies with --redis <url> (or CREWSTREAM_REDIS_URL).",
      "crewstream serve",
    );
  });

  it("worker checks its metrics port and refuses --metrics-host without one", async () => {
    expectUsageError(
      await runCli(["worker", "--redis", NO_REDIS, "--metrics-port", "65536"]),
      /--metrics-port <port>' argument '65536' is invalid\. Give a whole number from 0 to 65535\./,
      "crewstream worker",
    );
    expectUsageError(
      await runCli(["worker", "--redis", NO_REDIS], {
        env: { CREWSTREAM_WORKER_METRICS_PORT: "http" },
      }),
      /from env 'CREWSTREAM_WORKER_METRICS_PORT' is invalid\. Give a whole number from 0 to 65535\./,
      "crewstream worker",
    );
    expectUsageError(
      await runCli(["worker", "--redis", NO_REDIS, "--metrics-host", "0.0.0.0"]),
      "error: --metrics-host does nothing without --metrics-port <port>.",
      "crewstream worker",
    );
  });

  it("worker without a Redis URL exits 2 saying how to give one", async () => {
    const result = await runCli(["worker"], { env: { CREWSTREAM_REDIS_URL: undefined } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--redis");
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["serve", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("CREWSTREAM_PORT");
    const version = await runCli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
