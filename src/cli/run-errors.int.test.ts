import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEvent } from "../events/index.js";
import { collectCli, runCli, spawnCli } from "./test-support/run-cli.js";

const fixtures = join(import.meta.dirname, "..", "crew", "fixtures", "bad-crews");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crewstream-cli-errors-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("crewstream run, when things go wrong", { timeout: 180_000 }, () => {
  it("a crew with a YAML error exits 2 with the loader's file, key and line", async () => {
    const result = await runCli(["run", join(fixtures, "unknown-agent"), "--no-persist"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid_crew");
    expect(result.stderr).toContain("tasks.yaml");
    expect(result.stderr).toMatch(/line 4|:4/);
    expect(result.stderr).toContain("research_task.agent");
    expect(result.stdout).toBe("");
  });

  it("a crew name that is not in the crews folders exits 2", async () => {
    const result = await runCli(["run", "no-such-crew", "--crews", dir, "--no-persist"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("crew_not_found");
  });

  it("missing inputs exit 2 with what to pass", async () => {
    const crew = join(dir, "needs-inputs");
    cpSync(join(import.meta.dirname, "..", "..", "examples", "research-crew"), crew, {
      recursive: true,
    });
    writeFileSync(join(crew, "crew.yaml"), "name: needs-inputs\nprocess: sequential\n");
    const result = await runCli(["run", crew, "--no-persist"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("topic");
    expect(result.stderr).toContain("--input topic=...");
  });

  it("a --model with an unknown provider or no key exits 2 before any run exists", async () => {
    const db = join(dir, "models.db");
    const unknown = await runCli(["run", "--model", "nope/x", "--db", db], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error [unknown_provider]");
    const keyless = await runCli(["run", "--model", "openai/gpt-4o-mini", "--db", db], {
      cwd: dir,
      env: { OPENAI_API_KEY: "" },
    });
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toContain("OPENAI_API_KEY");
    const runs = await runCli(["runs", "--db", db, "--json"], { cwd: dir });
    expect(JSON.parse(runs.stdout)).toEqual({ runs: [] });
  });

  it("a crew that asks for human input exits 2 when there is no terminal to answer", async () => {
    const crew = join(dir, "asks-human");
    mkdirSync(crew);
    writeFileSync(
      join(crew, "agents.yaml"),
      "writer:\n  role: Writer\n  goal: Write\n  backstory: Writes.\n",
    );
    writeFileSync(
      join(crew, "tasks.yaml"),
      "draft:\n  description: Draft a note.\n  expected_output: A note.\n  agent: writer\n  human_input: true\n",
    );
    const result = await runCli(["run", crew, "--no-persist"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("draft asks for human input");
    expect(result.stderr).toContain("not a terminal");
  });

  it("a malformed --input exits 2", async () => {
    const result = await runCli(["run", "--input", "topic", "--no-persist"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("key=value");
  });

  it("Ctrl-C cancels the run cleanly: run.end cancelled on stdout, exit 130", async () => {
    const child = spawnCli(["run", "--jsonl", "--no-persist"], {
      cwd: dir,
      env: { CREWSTREAM_OFFLINE_TOKEN_MS: "20" },
    });
    child.stdin.end();
    let interrupted = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (!interrupted && chunk.toString("utf8").includes('"type":"text.delta"')) {
        interrupted = true;
        child.kill("SIGINT");
      }
    });
    const result = await collectCli(child);
    expect(interrupted).toBe(true);
    expect(result.code).toBe(130);
    const events = result.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => parseEvent(JSON.parse(line)));
    const last = events.at(-1);
    expect(last?.ok && last.event?.type === "run.end" && last.event.status).toBe("cancelled");
    expect(events.filter((e) => e.ok && e.event?.type === "run.end")).toHaveLength(1);
    expect(events.every((e) => e.ok)).toBe(true);
  });
});

describe("crewstream init", { timeout: 180_000 }, () => {
  it("creates a crew that `run` can run", async () => {
    const crew = join(dir, "my-crew");
    const init = await runCli(["init", crew], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("crewstream run my-crew");
    const run = await runCli(["run", crew, "--jsonl", "--no-persist", "--input", "topic=x"], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    const last = parseEvent(JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}"));
    expect(last.ok && last.event?.type === "run.end" && last.event.status).toBe("completed");
  });

  it("refuses to overwrite an existing crew", async () => {
    const crew = join(dir, "taken");
    expect((await runCli(["init", crew], { cwd: dir })).code).toBe(0);
    const again = await runCli(["init", crew], { cwd: dir });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("error [");
  });
});
