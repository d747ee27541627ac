import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { SqliteRunStore } from "../store/index.js";
import { readSse } from "./test-support/sse-client.js";
import { startTestServer } from "./test-support/test-server.js";
import { TestSocket } from "./test-support/ws-client.js";

describe("startServer", () => {
  it("listens on 127.0.0.1 and keeps runs in the SQLite file", async () => {
    const server = await startTestServer();
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      const response = await server.post("/api/runs", { crew: "duo", inputs: { topic: "salt" } });
      expect(response.status).toBe(202);
      expect(existsSync(server.db)).toBe(true);
    } finally {
      await server.cleanup();
    }
  });

  it("keeps runs in memory with persist false", async () => {
    const server = await startTestServer({ persist: false });
    try {
      await server.post("/api/runs", { crew: "duo", inputs: { topic: "salt" } });
      expect(existsSync(join(server.dir, "crewstream.db"))).toBe(false);
    } finally {
      await server.cleanup();
    }
  });

  it("warns when binding a non-loopback address without a token", async () => {
    const server = await startTestServer({ host: "0.0.0.0" });
    try {
      expect(server.logger.lines.join("\n")).toMatch(/without a token/);
    } finally {
      await server.cleanup();
    }
    const secured = await startTestServer({ host: "0.0.0.0", token: "t" });
    try {
      expect(secured.logger.lines.join("\n")).not.toMatch(/without a token/);
    } finally {
      await secured.cleanup();
    }
  });

  it("shuts down gracefully: open streams end with run.end cancelled, sockets close, the store keeps it all", async () => {
    const server = await startTestServer({ tokenMs: 5 });
    const response = await server.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "glass" },
    });
    const runId = response.headers.get("x-run-id")!;
    const socket = await TestSocket.open(`${server.url.replace(/^http/, "ws")}/api/ws`);
    socket.send({ type: "subscribe", id: "s", runId });
    await socket.next((m) => m.type === "ack");
    const events: CrewEvent[] = [];
    const reading = (async () => {
      for await (const message of readSse(response.body!)) events.push(message.crewEvent);
    })();
    await socket.next((m) => m.type === "event" && m.event.type === "text.delta");
    await server.close();
    await reading;
    expect(events.at(-1)).toMatchObject({ type: "run.end", status: "cancelled" });
    await expect.poll(() => socket.closed?.code).toBeDefined();

    const store = new SqliteRunStore({ path: server.db });
    try {
      expect(await store.getRun(runId)).toMatchObject({
        status: "cancelled",
        lastSeq: events.length,
      });
    } finally {
      await store.close();
      await server.cleanup();
    }
  });
});
