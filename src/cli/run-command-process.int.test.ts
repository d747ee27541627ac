/**
 * `crewstream run --command -- <argv>`: a program run as a process crew, through the real CLI.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../events/index.js";
import type { CrewEvent } from "../events/index.js";
import { runCli } from "./test-support/run-cli.js";

const PYTHON_CREW = fileURLToPath(new URL("../../examples/python-crew", import.meta.url));

function events(stdout: string): CrewEvent[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => {
      const parsed = parseEvent(JSON.parse(line));
      if (!parsed.ok || parsed.event === null) throw new Error(`not an event: ${line}`);
      return parsed.event;
    });
}

describe("crewstream run --command", () => {
  it("runs a program as a crew, with --name and the inputs, and streams its events", async () => {
    const result = await runCli(
      [
        "run",
        "--command",
        "--name",
        "stand-in",
        "--no-persist",
        "--jsonl",
        "-i",
        "topic=tidal power",
        "--",
        "python3",
        "crew/fake_run.py",
      ],
      { cwd: PYTHON_CREW, env: { CREWSTREAM_FAKE_STEP_MS: "0" } },
    );
    expect(result.code).toBe(0);
    const all = events(result.stdout);
    expect(all[0]).toMatchObject({
      type: "run.start",
      crew: "stand-in",
      inputs: { topic: "tidal power" },
    });
    // No crew.yaml: tasks and agents come from what the program reports.
    expect(
      all.filter((event) => event.type === "task.start").map((event) => [event.task, event.agent]),
    ).toEqual([
      ["research_task", "tidal_power_senior_data_researcher"],
      ["analysis_task", "tidal_power_trend_analyst"],
      ["reporting_task", "tidal_power_reporting_analyst"],
    ]);
    expect(all.some((event) => event.type === "tool.call")).toBe(true);
    expect(all.at(-1)).toMatchObject({
      type: "run.end",
      status: "completed",
      usage: { inputTokens: 900, outputTokens: 210 },
    });
    expect((all.at(-1) as { result?: string }).result).toMatch(/^# tidal power report/);
  });

  it("exits 2 without a program, and for --name without --command", async () => {
    const empty = await runCli(["run", "--command", "--no-persist"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--command needs the program after `--`");
    const name = await runCli(["run", "--name", "x", "--no-persist"]);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain("--name names a --command crew");
    const two = await runCli(["run", "a", "b", "--no-persist"]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("too many arguments for 'run'. Expected 1 crew but got 2");
  });
});
