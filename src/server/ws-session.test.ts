import { afterAll, describe, expect, it } from "vitest";
import { CrewCatalog } from "../crew/index.js";
import type { CrewEvent } from "../events/index.js";
import { createOfflineModel } from "../offline/index.js";
import { catalogRunners, RunManager } from "../runs/index.js";
import { MemoryRunStore } from "../store/index.js";
import type { ServerMessage } from "../events/index.js";
import { FIXTURE_CREWS, memoryLogger } from "./test-support/test-server.js";
import { CLOSE_TOO_SLOW, WsSession } from "./ws-session.js";
import type { SessionSocket } from "./ws-session.js";

/** A socket whose send buffer the test controls, recording what the session sends. */
class RecordingSocket implements SessionSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: ServerMessage[] = [];
  closedWith: number | undefined;

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ServerMessage);
  }

  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  events(): CrewEvent[] {
    return this.sent.flatMap((message) => (message.type === "event" ? [message.event] : []));
  }
}

const runs = new RunManager({
  store: new MemoryRunStore(),
  resolveRunner: catalogRunners(new CrewCatalog({ dirs: [FIXTURE_CREWS] })),
  model: createOfflineModel({ tokenMs: 0 }),
});
afterAll(() => runs.close());

async function finishedRun(): Promise<{ runId: string; all: CrewEvent[] }> {
  const run = await runs.start({ crew: "duo", inputs: { topic: "tea" } });
  const all: CrewEvent[] = [];
  for await (const batch of await runs.openEvents(run.id)) all.push(...batch);
  return { runId: run.id, all };
}

describe("WsSession backpressure", () => {
  it("stops pulling while the socket's buffer is above the mark and resumes when it drains", async () => {
    const { runId, all } = await finishedRun();
    const socket = new RecordingSocket();
    socket.bufferedAmount = 10_000_000;
    const session = new WsSession(
      socket,
      { runs, logger: memoryLogger() },
      { highWaterBytes: 1000 },
    );
    await session.handle(JSON.stringify({ type: "subscribe", id: "s", runId }));
    expect(socket.sent[0]).toEqual({ type: "ack", id: "s", runId });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // At most the event already pulled is held; nothing was sent into the full buffer.
    expect(socket.events()).toEqual([]);
    socket.bufferedAmount = 0;
    await expect.poll(() => socket.events().length).toBe(all.length);
    expect(socket.events()).toEqual(all);
    session.close();
  });

  it("closes a socket that stays behind too long with 1013 and releases its watches", async () => {
    const { runId } = await finishedRun();
    const socket = new RecordingSocket();
    socket.bufferedAmount = 10_000_000;
    const logger = memoryLogger();
    const session = new WsSession(
      socket,
      { runs, logger },
      { highWaterBytes: 1000, maxStallMs: 30 },
    );
    await session.handle(JSON.stringify({ type: "subscribe", id: "s", runId }));
    await expect.poll(() => socket.closedWith).toBe(CLOSE_TOO_SLOW);
    expect(session.watching).toEqual([]);
    expect(logger.lines.join("\n")).toMatch(/stopped reading/);
  });

  it("refuses a second subscription to the same run on one socket", async () => {
    const { runId } = await finishedRun();
    const socket = new RecordingSocket();
    socket.bufferedAmount = 10_000_000;
    const session = new WsSession(
      socket,
      { runs, logger: memoryLogger() },
      { highWaterBytes: 1000 },
    );
    await session.handle(JSON.stringify({ type: "subscribe", id: "a", runId }));
    await session.handle(JSON.stringify({ type: "subscribe", id: "b", runId }));
    expect(socket.sent[1]).toMatchObject({ type: "error", id: "b", code: "conflict" });
    session.close();
  });

  it("reports a cursor past the end as bad_cursor", async () => {
    const { runId, all } = await finishedRun();
    const socket = new RecordingSocket();
    const session = new WsSession(socket, { runs, logger: memoryLogger() });
    await session.handle(
      JSON.stringify({ type: "subscribe", id: "c", runId, after: all.length + 1 }),
    );
    expect(socket.sent).toEqual([
      expect.objectContaining({ type: "error", id: "c", runId, code: "bad_cursor" }),
    ]);
    session.close();
  });
});
