import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run-cli.js";

const examples = join(import.meta.dirname, "..", "..", "examples");
const goodCrews = join(import.meta.dirname, "..", "crew", "fixtures", "good-crews");
const dir = mkdtempSync(join(tmpdir(), "crewstream-cli-structured-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("crewstream run: structured outputs, guardrails, files and warnings", () => {
  it("prints each check and the structured object, and writes the output files", async () => {
    const result = await runCli(["run", "structured-crew", "--crews", examples, "--no-persist"], {
      cwd: dir,
      env: { CREWSTREAM_OUTPUT_DIR: join(dir, "out") },
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    const runId = /^run (\S+) started/.exec(lines[0] ?? "")?.[1] ?? "";
    expect(lines).toContain(
      '  check 2 passed: (offline model) Meets "The note gives a concrete example for every finding.".',
    );
    expect(lines.some((line) => /^ {2}check 1 failed: \(offline model\)/.test(line))).toBe(true);
    expect(lines.some((line) => /brief_task done in .*, wrote brief\.json$/.test(line))).toBe(true);
    expect(lines).toContain('      "findings": [');
    const brief: unknown = JSON.parse(readFileSync(join(dir, "out", runId, "brief.json"), "utf8"));
    expect(brief).toMatchObject({ findings: expect.any(Array) as unknown[] });
    expect(result.stderr).not.toContain("warning");
  });

  it("writes the files next to the database given with --db, without CREWSTREAM_OUTPUT_DIR", async () => {
    const db = join(dir, "data", "runs.db");
    const result = await runCli(["run", "structured-crew", "--crews", examples, "--db", db], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const runId = /^run (\S+) started/.exec(result.stdout)?.[1] ?? "";
    const brief: unknown = JSON.parse(
      readFileSync(join(dir, "data", "runs", runId, "brief.json"), "utf8"),
    );
    expect(brief).toMatchObject({ findings: expect.any(Array) as unknown[] });
  });

  it("shows a crew's warnings on stderr before the run", async () => {
    const result = await runCli(
      ["run", "crewai-extras", "--crews", goodCrews, "--no-persist", "--jsonl"],
      { cwd: dir, env: { CREWSTREAM_OUTPUT_DIR: join(dir, "out") } },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("agents.yaml:5 researcher.memory: ignored:");
    expect(result.stderr).toMatch(/Crew "\S+" has \d+ warnings:/);
  });
});
