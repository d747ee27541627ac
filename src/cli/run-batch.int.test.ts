import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run-cli.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crewstream-batch-"));
  writeFileSync(
    join(dir, "items.jsonl"),
    ['{"topic":"kelp forests"}', "", '{"topic":"tidal power"}', '{"topic":"owls"}', ""].join("\n"),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("crewstream run --inputs-file", { timeout: 180_000 }, () => {
  it("runs one run per line, a line per item, and lists them as one batch", async () => {
    const db = join(dir, "ok.db");
    const result = await runCli(
      ["run", "--db", db, "--inputs-file", "items.jsonl", "--concurrency", "2"],
      { cwd: dir },
    );
    // Without a crew argument, the one line on stderr says which crew the batch runs.
    expect(result.stderr).toMatch(/^Running the default crew "research-crew" \([^\n]*\n$/);
    expect(result.code).toBe(0);
    const ended = result.stdout.split("\n").filter((line) => /^#\d/.test(line));
    expect(ended).toHaveLength(3);
    expect(ended.every((line) => /completed/.test(line))).toBe(true);
    expect(ended.map((line) => /topic=([a-z ]+?)(?:\s\s|$)/.exec(line)?.[1]).sort()).toEqual([
      "kelp forests",
      "owls",
      "tidal power",
    ]);
    expect(result.stdout).toMatch(/All 3 runs completed/);
    const listed = await runCli(["runs", "--db", db, "--json"], { cwd: dir });
    const { runs } = JSON.parse(listed.stdout) as {
      runs: Array<{ batchId?: string; inputs: object }>;
    };
    expect(runs).toHaveLength(3);
    expect(new Set(runs.map((r) => r.batchId)).size).toBe(1);
    expect(runs[0]?.batchId).toBeTruthy();
  });

  it("exits 1 when runs fail, here on --timeout", async () => {
    const result = await runCli(
      ["run", "--no-persist", "--inputs-file", "items.jsonl", "--timeout", "300"],
      { cwd: dir, env: { CREWSTREAM_OFFLINE_TOKEN_MS: "20" } },
    );
    expect(result.code).toBe(1);
    const ended = result.stdout.split("\n").filter((line) => /^#\d/.test(line));
    expect(ended).toHaveLength(3);
    expect(ended.every((line) => /failed.*timeout: .*300 ms \(run timeout\)/.test(line))).toBe(
      true,
    );
    expect(result.stdout).toMatch(/3 of 3 runs did not complete/);
  });

  it("refuses a bad line, naming it", async () => {
    writeFileSync(join(dir, "bad.jsonl"), '{"topic":"a"}\n[1,2]\n');
    const result = await runCli(["run", "--no-persist", "--inputs-file", "bad.jsonl"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.jsonl:2: each line must be a flat JSON object/);
  });
});
