/**
 * What a newcomer meets in the first minutes with the CLI: which crew `run` chose, a crew name
 * that does not exist, a misspelt input, the runs table, and run ids shortened as the live view
 * shows them. Suggested commands are ones that work as typed (`npx crewstream` unless it is
 * installed on the PATH).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import { SqliteRunStore } from "../store/index.js";
import { runCli } from "./test-support/run-cli.js";

let dir: string;
/** PATH without any folder holding a `crewstream` program. */
let barePath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crewstream-first-run-"));
  barePath = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((folder) => !folder.includes("node_modules"))
    .join(delimiter);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the first minutes with the CLI", { timeout: 180_000 }, () => {
  it("run without a crew says which crew it chose and how to choose another", async () => {
    const result = await runCli(["run", "--no-persist", "--jsonl"], {
      cwd: dir,
      env: { PATH: barePath },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^Running the default crew "research-crew" \(.*examples[\\/]research-crew\)\. Other crews: python-crew, structured-crew, tools-mcp-crew, tools-module-crew\. Choose one with `npx crewstream run <crew or folder>`\.\n/,
    );
  });

  it("suggests plain `crewstream` when it is installed on the PATH", async () => {
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "crewstream"), "#!/bin/sh\n");
    chmodSync(join(bin, "crewstream"), 0o755);
    const result = await runCli(["run", "--bogus"], {
      cwd: dir,
      env: { PATH: `${bin}${delimiter}${barePath}` },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("(run `crewstream run --help` for usage)");
    const bare = await runCli(["run", "--bogus"], { cwd: dir, env: { PATH: barePath } });
    expect(bare.stderr).toContain("(run `npx crewstream run --help` for usage)");
  });

  it("run with an unknown crew name lists the example crews and the closest name", async () => {
    const result = await runCli(["run", "research-crw", "--no-persist"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error [crew_not_found]: No crew named "research-crw"; known crews: python-crew, research-crew, structured-crew, tools-mcp-crew, tools-module-crew (did you mean "research-crew"?).',
    );
    expect(result.stdout).toBe("");
  });

  it("an unknown input exits 2 with did you mean, before any run is stored", async () => {
    const db = join(dir, "inputs.db");
    const result = await runCli(["run", "research-crew", "-i", "topik=x", "--db", db], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error [unknown_input]: Crew "research-crew" has no input "topik" (did you mean "topic"?); its inputs are "topic". A crew takes other inputs only with extra_inputs: true in its crew.yaml.',
    );
    const runs = await runCli(["runs", "--db", db, "--json"], { cwd: dir });
    expect(JSON.parse(runs.stdout)).toEqual({ runs: [] });
  });

  it("runs shows each run's inputs, and replay takes the 8-character id the live view shows", async () => {
    const db = join(dir, "runs.db");
    const run = await runCli(
      ["run", "research-crew", "-i", "topic=solar batteries", "--db", db, "--jsonl"],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const runId = (JSON.parse(run.stdout.split("\n")[0]!) as { runId: string }).runId;

    const table = await runCli(["runs", "--db", db], { cwd: dir });
    const [head, row] = table.stdout.split("\n");
    expect(head).toMatch(/^ID\s+CREW\s+STATUS\s+CREATED\s+DURATION\s+COST\s+SOURCE\s+INPUTS$/);
    expect(row).toMatch(
      new RegExp(
        `^${runId}\\s+research-crew\\s+completed .* \\$0\\s+cli\\s+topic=solar batteries$`,
      ),
    );

    const replay = await runCli(["replay", runId.slice(0, 8), "--db", db, "--jsonl"], {
      cwd: dir,
    });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toBe(run.stdout);
  });

  it("replay refuses a prefix shared by several runs, naming them", async () => {
    const db = join(dir, "ambiguous.db");
    const store = new SqliteRunStore({ path: db });
    for (const id of ["abcdef01-1111", "abcdef02-2222"]) {
      await store.createRun({ id, crew: "demo", inputs: {}, status: "running" });
      const stamper = new EventStamper(id);
      await store.appendEvents(id, [
        stamper.stamp({
          type: "run.start",
          crew: "demo",
          process: "sequential",
          inputs: {},
          agents: [],
          tasks: [],
        }),
      ]);
    }
    await store.close();
    const ambiguous = await runCli(["replay", "abcdef", "--db", db], { cwd: dir });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr.trim()).toBe(
      'error [bad_request]: The run id prefix "abcdef" matches several runs: abcdef01-1111, abcdef02-2222. Give more characters.',
    );
    const unique = await runCli(["replay", "abcdef02", "--db", db, "--jsonl"], { cwd: dir });
    expect(unique.code, unique.stderr).toBe(0);
    expect(JSON.parse(unique.stdout.trim())).toMatchObject({ runId: "abcdef02-2222", seq: 1 });
    const missing = await runCli(["replay", "abcdef09", "--db", db], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error [run_not_found]: No run abcdef09");
  });
});
