import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runStartedSchema,
  threadDeletedSchema,
  threadDetailsSchema,
  threadPageSchema,
  threadRecordSchema,
} from "../../events/index.js";
import { collectSse } from "../test-support/sse-client.js";
import { startTestServer, type TestServer } from "../test-support/test-server.js";
import { TestSocket } from "../test-support/ws-client.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.cleanup();
});

async function finished(runId: string): Promise<{ status: string; result?: string }> {
  for (;;) {
    const run = (await (await server.api(`/api/runs/${runId}`)).json()) as {
      status: string;
      result?: string;
    };
    if (!["queued", "running"].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("/api/threads", () => {
  it("keeps turns started by POST /api/runs, /api/crew/stream and the WebSocket in one thread", async () => {
    const started = runStartedSchema.parse(
      await (
        await server.post("/api/runs", {
          crew: "duo",
          inputs: { topic: "otters" },
          threadId: "otter-chat",
        })
      ).json(),
    );
    const first = await finished(started.runId);
    expect(first.status).toBe("completed");

    const events = await collectSse(
      await server.post("/api/crew/stream", {
        crew: "duo",
        inputs: { topic: "now shorter" },
        threadId: "otter-chat",
      }),
    );
    expect(events[0]).toMatchObject({ type: "run.start", threadId: "otter-chat" });
    const end = events.at(-1);
    expect(end).toMatchObject({ type: "run.end", status: "completed" });
    expect(end?.type === "run.end" ? end.result : "").toContain(
      '_Following up on our conversation: you asked "otters"',
    );

    const socket = await TestSocket.open(`${server.url.replace(/^http/, "ws")}/api/ws`);
    try {
      socket.send({
        type: "start",
        id: "s1",
        crew: "duo",
        inputs: { topic: "and in French" },
        threadId: "otter-chat",
      });
      const ack = (await socket.next((m) => m.type === "ack")) as { runId: string };
      const ended = await socket.eventsUntilEnd(ack.runId);
      expect(ended[0]).toMatchObject({ type: "run.start", threadId: "otter-chat" });
      expect(await finished(ack.runId)).toMatchObject({ status: "completed" });
    } finally {
      await socket.close();
    }

    const thread = threadDetailsSchema.parse(
      await (await server.api("/api/threads/otter-chat")).json(),
    );
    expect(thread).toMatchObject({ threadId: "otter-chat", title: "otters", runCount: 3 });
    expect(thread.runs.map((run) => [run.inputs.topic, run.source, run.threadId])).toEqual([
      ["otters", "http", "otter-chat"],
      ["now shorter", "http", "otter-chat"],
      ["and in French", "ws", "otter-chat"],
    ]);
  });

  it("lists threads newest first, paged; renames; deletes with counts; refuses bad ids", async () => {
    for (const id of ["t-old", "t-new"]) {
      const { runId } = runStartedSchema.parse(
        await (
          await server.post("/api/runs", { crew: "duo", inputs: { topic: id }, threadId: id })
        ).json(),
      );
      await finished(runId);
    }
    const page = threadPageSchema.parse(await (await server.api("/api/threads?limit=1")).json());
    expect(page.threads.map((t) => t.threadId)).toEqual(["t-new"]);
    const next = threadPageSchema.parse(
      await (await server.api(`/api/threads?limit=1&before=${page.nextCursor!}`)).json(),
    );
    expect(next.threads.map((t) => t.threadId)).toEqual(["t-old"]);

    const renamed = await server.api("/api/threads/t-old", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "  Old times " }),
    });
    expect(renamed.status).toBe(200);
    expect(threadRecordSchema.parse(await renamed.json())).toMatchObject({ title: "Old times" });

    const thread = threadDetailsSchema.parse(await (await server.api("/api/threads/t-old")).json());
    const runId = thread.runs[0]!.id;
    const deleted = await server.api("/api/threads/t-old", { method: "DELETE" });
    expect(deleted.status).toBe(200);
    const counts = threadDeletedSchema.parse(await deleted.json());
    expect(counts).toMatchObject({ threadId: "t-old", deletedRuns: 1 });
    expect(counts.deletedEvents).toBe(thread.runs[0]!.lastSeq);
    expect((await server.api(`/api/runs/${runId}`)).status).toBe(404);
    expect((await server.api("/api/threads/t-old")).status).toBe(404);
    const gone = (await (await server.api("/api/threads/t-old", { method: "DELETE" })).json()) as {
      error: { code: string };
    };
    expect(gone.error.code).toBe("not_found");

    expect((await server.api("/api/threads/bad%20id")).status).toBe(400);
    expect(
      (
        await server.api("/api/threads/t-new", {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ title: "" }),
        })
      ).status,
    ).toBe(400);
    const badStart = await server.post("/api/runs", {
      crew: "duo",
      inputs: { topic: "x" },
      threadId: "../up",
    });
    expect(badStart.status).toBe(400);
  });
});
