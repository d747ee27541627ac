import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEvent, type CrewEvent } from "../events/index.js";
import { runCli, type CliResult } from "./test-support/run-cli.js";

let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crewstream-cli-"));
  db = join(dir, "runs.db");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Parses every stdout line as a protocol event (failing on anything else). */
function eventsOf(result: CliResult): CrewEvent[] {
  return result.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const parsed = parseEvent(JSON.parse(line));
      if (!parsed.ok || parsed.event === null) throw new Error(`not a protocol event: ${line}`);
      return parsed.event;
    });
}

describe("crewstream run", { timeout: 180_000 }, () => {
  let jsonl: CliResult;
  let events: CrewEvent[];

  beforeAll(async () => {
    jsonl = await runCli(["run", "--jsonl", "--db", db, "--input", "topic=solar batteries"], {
      cwd: dir,
    });
    events = eventsOf(jsonl);
  });

  it("--jsonl writes exactly the protocol events: gapless, one run, one run.end last", () => {
    expect(jsonl.code).toBe(0);
    expect(events.length).toBeGreaterThan(5);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(new Set(events.map((event) => event.runId)).size).toBe(1);
    expect(events.filter((event) => event.type === "run.end")).toHaveLength(1);
    const end = events.at(-1);
    expect(end?.type === "run.end" && end.status).toBe("completed");
    const start = events[0];
    expect(start?.type === "run.start" && start.inputs).toEqual({ topic: "solar batteries" });
  });

  it("`runs` lists the run, and `replay --jsonl` reproduces its events", async () => {
    const runId = events[0]?.runId ?? "";
    const runs = await runCli(["runs", "--db", db], { cwd: dir });
    expect(runs.code).toBe(0);
    const row = runs.stdout.split("\n").find((line) => line.startsWith(runId));
    expect(row).toMatch(/research-crew\s+completed/);
    expect(runs.stdout.split("\n")[0]).toMatch(/DURATION\s+COST\s+SOURCE\s+INPUTS/);
    // The offline model is free: its cost is a known $0.
    expect(row).toMatch(/\s\$0\s+cli\s+topic=solar batteries$/);

    const listed = await runCli(["runs", "--db", db, "--json", "--status", "completed"], {
      cwd: dir,
    });
    expect(
      (JSON.parse(listed.stdout) as { runs: Array<{ id: string }> }).runs.map((run) => run.id),
    ).toContain(runId);

    const replay = await runCli(["replay", runId, "--db", db, "--jsonl"], { cwd: dir });
    expect(replay.code).toBe(0);
    expect(eventsOf(replay)).toEqual(events);
  });

  it("--progress-stderr writes the seed's legacy lines on stderr and the result on stdout", async () => {
    const result = await runCli(["run", "--progress-stderr", "--no-persist", "-i", "topic=tides"], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const lines = result.stderr.split("\n").filter((line) => line !== "");
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(["type", "agent", "task", "timestamp"]);
      expect(parsed.type).toBe("progress");
      expect(parsed.agent).toMatch(/^tides /);
      expect(parsed.task).toMatch(
        /^(Research tides\.|Write a short report on tides|Review the report on tides)/,
      );
      expect(new Date(parsed.timestamp as string).toISOString()).toBe(parsed.timestamp);
    }
    expect(result.stdout.trim().length).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('"type"');
  });

  it("--thread runs the next turn of a conversation, which the offline model follows up on", async () => {
    const first = await runCli(
      ["run", "--jsonl", "--db", db, "--thread", "cli-notes", "-i", "topic=lighthouses"],
      { cwd: dir },
    );
    expect(first.code).toBe(0);
    const second = await runCli(
      ["run", "--jsonl", "--db", db, "--thread", "cli-notes", "-i", "topic=shorter, in French"],
      { cwd: dir },
    );
    expect(second.code).toBe(0);
    const [start, ...rest] = eventsOf(second);
    expect(start?.type === "run.start" && start.threadId).toBe("cli-notes");
    const text = rest.map((event) => (event.type === "text.delta" ? event.delta : "")).join("");
    expect(text).toMatch(/Following up on our conversation: you asked "[^"]*lighthouses/);
    const runs = await runCli(["runs", "--db", db, "--json"], { cwd: dir });
    const rows = (JSON.parse(runs.stdout) as { runs: Array<{ id: string; threadId?: string }> })
      .runs;
    expect(rows.filter((row) => row.threadId === "cli-notes")).toHaveLength(2);
  });

  it("--thread refuses a batch and --no-persist, saying why", async () => {
    const batch = await runCli(["run", "--thread", "t", "--inputs-file", "x.jsonl"], { cwd: dir });
    expect(batch.code).toBe(2);
    expect(batch.stderr).toMatch(/--thread .*--inputs-file/);
    const memory = await runCli(["run", "--thread", "t", "--no-persist"], { cwd: dir });
    expect(memory.code).toBe(2);
    expect(memory.stderr).toMatch(/drop --no-persist/);
  });

  it("finds a crew by name in the --crews folders", async () => {
    const examples = join(import.meta.dirname, "..", "..", "examples");
    const result = await runCli(
      ["run", "research-crew", "--crews", examples, "--jsonl", "--no-persist"],
      {
        cwd: dir,
      },
    );
    expect(result.code).toBe(0);
    const start = eventsOf(result)[0];
    expect(start?.type === "run.start" && start.crew).toBe("research-crew");
  });

  it("prints plain lines when stdout is not a terminal, then the result", async () => {
    const result = await runCli(["run", "--no-persist"], { cwd: dir });
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^run \S+ started: research-crew \(sequential, \d tasks\)$/);
    expect(lines.some((line) => /^\[1\/\d\] research_task started by /.test(line))).toBe(true);
    expect(lines.some((line) => /step 1 \(\w+\): /.test(line))).toBe(true);
    expect(lines.some((line) => /^\[1\/\d\] research_task done in /.test(line))).toBe(true);
    expect(lines.some((line) => /^run completed in /.test(line))).toBe(true);
    expect(result.stdout).not.toContain("\u001b[");
  });
});
