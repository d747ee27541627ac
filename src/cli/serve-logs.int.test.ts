import { describe, expect, it } from "vitest";
import { collectCli, spawnCli } from "./test-support/run-cli.js";

const SECRETS = {
  OPENAI_API_KEY: "sk-live-0pen41-secret-key-123456",
  ANTHROPIC_API_KEY: "sk-ant-secret-key-abcdef",
  OPENROUTER_API_KEY: "sk-or-secret-key-987654",
  CREWSTREAM_TOKEN: "bearer-secret-token-42",
};

/** Starts `crewstream serve` and resolves its URL once it listens. */
async function serve(args: string[], env: Record<string, string>) {
  const child = spawnCli(["serve", "--no-persist", "--port", "0", ...args], { env });
  child.stdin.end();
  const done = collectCli(child);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once("exit", () => reject(new Error(`serve exited early: ${seen}`)));
  });
  return { child, done, url };
}

describe("crewstream serve logs and metrics", { timeout: 120_000 }, () => {
  it("writes one JSON object per log line with run id, crew and level, and no secret", async () => {
    const { child, done, url } = await serve(["--model", "offline", "--log-format", "json"], {
      ...SECRETS,
      CREWSTREAM_OFFLINE_TOKEN_MS: "0",
    });
    const auth = { authorization: `Bearer ${SECRETS.CREWSTREAM_TOKEN}` };
    const started = await fetch(`${url}/api/runs`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ crew: "research-crew", inputs: { topic: "tides" } }),
    });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${url}/api/runs/${runId}`, { headers: auth })).json()) as {
              status: string;
            }
          ).status,
        { timeout: 60_000 },
      )
      .toBe("completed");
    // A wrong token and a bad body are answered, and may be logged, without echoing secrets.
    expect(
      (await fetch(`${url}/api/runs`, { headers: { authorization: "Bearer nope" } })).status,
    ).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: auth })).status).toBe(200);
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);

    const lines = result.stderr.split("\n").filter((line) => line.trim() !== "");
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(typeof record.level).toBe("number");
      expect(typeof record.msg).toBe("string");
    }
    expect(records).toContainEqual(
      expect.objectContaining({ msg: "run started", runId, crew: "research-crew", level: 30 }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({
        msg: "run ended",
        runId,
        crew: "research-crew",
        status: "completed",
        costUsd: 0,
      }),
    );
    const everything = result.stdout + result.stderr;
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
  });

  it("serves no /metrics with CREWSTREAM_METRICS=off, and logs nothing below --log-level", async () => {
    const { child, done, url } = await serve(["--log-format", "json", "--log-level", "warn"], {
      CREWSTREAM_METRICS: "off",
      CREWSTREAM_TOKEN: "",
      CREWSTREAM_OFFLINE_TOKEN_MS: "0",
      CREWSTREAM_MODEL: "offline",
    });
    // The web UI answers unknown paths with its page; no exposition is served.
    expect(await (await fetch(`${url}/metrics`)).text()).not.toContain("crewstream_runs_total");
    const started = await fetch(`${url}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ crew: "research-crew", inputs: { topic: "tides" } }),
    });
    const { runId } = (await started.json()) as { runId: string };
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${url}/api/runs/${runId}`)).json()) as { status: string }).status,
        { timeout: 60_000 },
      )
      .toBe("completed");
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("run started");
  });
});
