import { describe, expect, it } from "vitest";
import { collectCli, spawnCli } from "./test-support/run-cli.js";

describe("crewstream serve", { timeout: 180_000 }, () => {
  it("serves the API on the port from CREWSTREAM_PORT, prints the URL and stops on SIGTERM", async () => {
    const child = spawnCli(["serve", "--no-persist"], {
      env: { CREWSTREAM_PORT: "0", CREWSTREAM_TOKEN: "" },
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
      child.once("exit", () => reject(new Error(`serve exited early: ${seen}`)));
    });

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    const crews = (await (await fetch(`${url}/api/crews`)).json()) as {
      crews: Array<{ name: string }>;
    };
    expect(crews.crews.map((crew) => crew.name)).toContain("research-crew");

    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Shutting down");
  });

  it("requires a bearer token on /api when CREWSTREAM_TOKEN is set", async () => {
    const child = spawnCli(["serve", "--no-persist", "--port", "0"], {
      env: { CREWSTREAM_TOKEN: "s3cret" },
    });
    child.stdin.end();
    const done = collectCli(child);
    const url = await new Promise<string>((resolve) => {
      let seen = "";
      child.stdout.on("data", (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(seen);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
    });
    expect((await fetch(`${url}/api/crews`)).status).toBe(401);
    const ok = await fetch(`${url}/api/crews`, { headers: { authorization: "Bearer s3cret" } });
    expect(ok.status).toBe(200);
    child.kill("SIGINT");
    expect((await done).code).toBe(0);
  });

  it("caps the streams one client holds at CREWSTREAM_MAX_STREAMS_PER_CLIENT", async () => {
    const child = spawnCli(["serve", "--no-persist", "--port", "0"], {
      env: {
        CREWSTREAM_MAX_STREAMS_PER_CLIENT: "1",
        CREWSTREAM_OFFLINE_TOKEN_MS: "20",
        CREWSTREAM_TOKEN: "",
      },
    });
    child.stdin.end();
    const done = collectCli(child);
    const url = await new Promise<string>((resolve) => {
      let seen = "";
      child.stdout.on("data", (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(seen);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
    });
    const start = () =>
      fetch(`${url}/api/crew/stream`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ onDisconnect: "cancel" }),
      });
    const first = await start();
    expect(first.status).toBe(200);
    const second = await start();
    expect(second.status).toBe(429);
    await first.body?.cancel();
    child.kill("SIGTERM");
    expect((await done).code).toBe(0);
  });
});
