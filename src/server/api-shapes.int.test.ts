/**
 * The server's real answers against the shared API schemas (`events/api*.ts`,
 * `events/socket-messages.ts`), which the client reads them with. Each body must parse and
 * survive the parse unchanged: the schemas drop fields they do not know, so an answer with a
 * field the schema lacks fails here instead of silently disappearing in the client.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { CrewCatalog } from "../crew/index.js";
import {
  crewListingsSchema,
  errorBodySchema,
  healthSchema,
  inputAcceptedSchema,
  isFinished,
  runDetailsSchema,
  runPageSchema,
  runRecordSchema,
  runStartedSchema,
  serverMessageSchema,
} from "../events/index.js";
import type { ServerMessage } from "../events/index.js";
import { createOfflineModel } from "../offline/index.js";
import { RunManager } from "../runs/index.js";
import { MemoryRunStore } from "../store/index.js";
import { createApp } from "./app.js";
import { catalogRunners } from "../runs/index.js";
import { readSse } from "./test-support/sse-client.js";
import { FIXTURE_CREWS, memoryLogger, startTestServer } from "./test-support/test-server.js";
import type { TestServer } from "./test-support/test-server.js";
import { TestSocket } from "./test-support/ws-client.js";

const BAD_CREWS = fileURLToPath(new URL("../crew/fixtures/bad-crews", import.meta.url));

/** Parses `body` with `schema` and checks nothing was lost or changed on the way. */
function expectShape<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${JSON.stringify(body)}\n${parsed.error.message}`);
  expect(parsed.data).toEqual(body);
  return parsed.data;
}

const catalog = new CrewCatalog({ dirs: [FIXTURE_CREWS, BAD_CREWS] });
const runs = new RunManager({
  store: new MemoryRunStore(),
  resolveRunner: catalogRunners(catalog),
  model: createOfflineModel({ tokenMs: 0 }),
});
const app = createApp({ runs, catalog, webRoot: false, logger: memoryLogger() });

const post = (path: string, body: unknown): Promise<Response> =>
  Promise.resolve(
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
const get = (path: string): Promise<Response> => Promise.resolve(app.request(path));

/** Polls `GET /api/runs/:id` until the run has finished. */
async function finished(runId: string): Promise<unknown> {
  for (;;) {
    const body = (await (await get(`/api/runs/${runId}`)).json()) as { status: "running" };
    if (isFinished(body.status)) return body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterAll(async () => {
  await runs.close();
});

describe("HTTP answers match the shared schemas", () => {
  it("GET /api/health", async () => {
    expectShape(healthSchema, await (await get("/api/health")).json());
  });

  it("GET /api/crews, crews that fail to load included", async () => {
    const body = expectShape(crewListingsSchema, await (await get("/api/crews")).json());
    expect(body.crews.filter((crew) => crew.default).map((crew) => crew.name)).toEqual(["duo"]);
    expect(body.crews.some((crew) => crew.error !== undefined)).toBe(true);
    expect(body.crews.some((crew) => crew.tasks.some((task) => task.agent !== undefined))).toBe(
      true,
    );
  });

  it("POST /api/runs, GET /api/runs/:id and GET /api/runs, paged", async () => {
    const first = await post("/api/runs", { crew: "duo", inputs: { topic: "moths" } });
    expect(first.status).toBe(202);
    const started = expectShape(runStartedSchema, await first.json());
    const second = expectShape(
      runStartedSchema,
      await (await post("/api/runs", { crew: "duo", inputs: { topic: "newts" } })).json(),
    );
    const details = expectShape(runDetailsSchema, await finished(started.runId));
    expect(details).toMatchObject({ id: started.runId, status: "completed", source: "http" });
    expect(details.result).toEqual(expect.any(String));
    expect(details.summary).toBeDefined();
    await finished(second.runId);

    const page = expectShape(runPageSchema, await (await get("/api/runs?limit=1")).json());
    expect(page.runs.map((run) => run.id)).toEqual([second.runId]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = expectShape(
      runPageSchema,
      await (await get(`/api/runs?limit=1&before=${page.nextCursor ?? ""}`)).json(),
    );
    expect(next.runs.map((run) => run.id)).toEqual([started.runId]);
  });

  it("POST /api/runs/:id/input", async () => {
    const started = expectShape(
      runStartedSchema,
      await (await post("/api/runs", { crew: "review" })).json(),
    );
    const events = await get(`/api/runs/${started.runId}/events`);
    let requestId = "";
    for await (const message of readSse(events.body!)) {
      if (message.crewEvent.type === "input.request") {
        requestId = message.crewEvent.requestId;
        break;
      }
    }
    const answered = await post(`/api/runs/${started.runId}/input`, { requestId, text: "" });
    expectShape(inputAcceptedSchema, await answered.json());
    expect(expectShape(runDetailsSchema, await finished(started.runId)).status).toBe("completed");
  });

  it("POST /api/runs/:id/cancel, and a cancelled run with its error", async () => {
    // The review crew waits for human input, so it is still running when cancelled.
    const started = expectShape(
      runStartedSchema,
      await (await post("/api/runs", { crew: "review" })).json(),
    );
    const cancelled = await post(`/api/runs/${started.runId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expectShape(runRecordSchema, await cancelled.json());
    const details = expectShape(runDetailsSchema, await finished(started.runId));
    expect(details).toMatchObject({ status: "cancelled", error: { code: "cancelled" } });
  });

  it.each([
    ["an unknown run", () => get("/api/runs/nope"), 404],
    ["an unknown route", () => get("/api/nothing-here"), 404],
    ["a bad body", () => post("/api/runs", { crew: "../etc" }), 400],
    ["a bad query", () => get("/api/runs?limit=0"), 400],
    ["a missing input", () => post("/api/runs", { crew: "duo" }), 400],
  ])("an error body for %s", async (_name, request, status) => {
    const response = await request();
    expect(response.status).toBe(status);
    expectShape(errorBodySchema, await response.json());
  });
});

describe("WebSocket messages match the shared schemas", () => {
  let server: TestServer;
  let socket: TestSocket;

  beforeAll(async () => {
    server = await startTestServer();
    socket = await TestSocket.open(`${server.url.replace(/^http/, "ws")}/api/ws`);
  });
  afterAll(async () => {
    await socket.close();
    await server.cleanup();
  });

  const parse = (message: ServerMessage): ServerMessage =>
    expectShape(serverMessageSchema, message);

  it("ack, then every event until run.end", async () => {
    socket.send({ type: "start", id: "s", crew: "duo", inputs: { topic: "owls" } });
    const ack = parse(await socket.next((m) => m.type === "ack" && m.id === "s"));
    if (ack.type !== "ack") throw new Error("expected an ack");
    const events = [];
    for (;;) {
      const message = parse(await socket.next((m) => m.type === "event"));
      if (message.type !== "event") throw new Error("expected an event");
      events.push(message.event);
      if (message.event.type === "run.end") break;
    }
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.every((event) => event.runId === ack.runId)).toBe(true);
  });

  it("error messages, with and without a request id", async () => {
    socket.send({ type: "subscribe", id: "u", runId: "no-such-run" });
    expect(parse(await socket.next((m) => m.type === "error" && m.id === "u"))).toMatchObject({
      code: "run_not_found",
    });
    socket.send("{");
    expect(parse(await socket.next((m) => m.type === "error"))).toMatchObject({
      code: "bad_request",
    });
  });
});
