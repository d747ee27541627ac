import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_CREWS } from "../server/test-support/test-server.js";
import { collectCli, runCli, spawnCli, type CliResult } from "./test-support/run-cli.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "crewstream-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `crewstream serve` on `db`; resolves with its URL once it listens. */
async function serve(db: string, env: Record<string, string> = {}) {
  const child = spawnCli(["serve", "--port", "0", "--db", db, "--crews", FIXTURE_CREWS], {
    env: { CREWSTREAM_TOKEN: "", ...env },
  });
  child.stdin.end();
  const done = collectCli(child);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void done.then((result) => reject(new Error(`serve exited early: ${result.stderr}`)));
  });
  return { child, done, url };
}

function oneLineError(result: CliResult): string {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error \[store_error\]: /);
  return lines[0] ?? "";
}

describe("one server per database file", { timeout: 120_000 }, () => {
  it("refuses a second server, lets readers in, and takes over the lock of a killed one", async () => {
    const db = join(dir, "crewstream.db");
    // Slow tokens keep the first server's run live while the second one tries to start.
    const first = await serve(db, { CREWSTREAM_OFFLINE_TOKEN_MS: "40" });
    const started = await fetch(`${first.url}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "duo", inputs: { topic: "salt" } }),
    });
    const { runId } = (await started.json()) as { runId: string };

    const second = await runCli(["serve", "--port", "0", "--db", db, "--crews", FIXTURE_CREWS]);
    const message = oneLineError(second);
    expect(message).toContain(db);
    expect(message).toContain(`process ${first.child.pid}`);
    // The second server did not "recover" the first one's live run.
    const run = (await (await fetch(`${first.url}/api/runs/${runId}`)).json()) as {
      status: string;
    };
    expect(run.status).toBe("running");

    // Readers open the file while the server holds it.
    const runs = await runCli(["runs", "--db", db, "--json"]);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toContain(runId);

    first.child.kill("SIGKILL");
    await first.done;
    expect(existsSync(`${db}.lock`)).toBe(true);

    // The lock of the killed server is stale: a new server takes it over and recovers the run.
    const third = await serve(db);
    try {
      const holder = JSON.parse(await readFile(`${db}.lock`, "utf8")) as { pid: number };
      expect(holder.pid).toBe(third.child.pid);
      const recovered = (await (await fetch(`${third.url}/api/runs/${runId}`)).json()) as {
        status: string;
        error?: { code: string };
      };
      expect(recovered).toMatchObject({ status: "failed", error: { code: "interrupted" } });
    } finally {
      third.child.kill("SIGTERM");
      expect((await third.done).code).toBe(0);
    }
    // A clean shutdown gives the lock back.
    expect(existsSync(`${db}.lock`)).toBe(false);
  });

  it("names the path and the cause when the database cannot be opened", async () => {
    const folder = join(dir, "a-folder");
    await mkdir(folder);
    expect(oneLineError(await runCli(["serve", "--port", "0", "--db", folder]))).toMatch(
      new RegExp(`${folder}: it is a folder`),
    );

    const corrupt = join(dir, "corrupt.db");
    await writeFile(corrupt, "this is not a database ".repeat(400));
    expect(oneLineError(await runCli(["serve", "--port", "0", "--db", corrupt]))).toMatch(
      new RegExp(`${corrupt}: it is not a SQLite database`),
    );

    const underFile = join(dir, "plain-file", "crewstream.db");
    await writeFile(join(dir, "plain-file"), "x");
    expect(oneLineError(await runCli(["serve", "--port", "0", "--db", underFile]))).toMatch(
      /plain-file\/crewstream\.db: part of the path is a file/,
    );
  });
});
