/**
 * An input the crew does not use (`"topik"` for `"topic"`) is refused at the edge with 400
 * unknown_input naming the crew's inputs, over HTTP and the WebSocket, and no run is created;
 * a crew whose crew.yaml says `extra_inputs: true` takes it.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertCompleteRun, collectSse } from "./test-support/sse-client.js";
import { FIXTURE_CREWS, startTestServer } from "./test-support/test-server.js";
import type { TestServer } from "./test-support/test-server.js";
import { TestSocket } from "./test-support/ws-client.js";

let server: TestServer;
let extra: string;
let socket: TestSocket | undefined;

const UNKNOWN = {
  error: {
    code: "unknown_input",
    message:
      'Crew "duo" has no input "topik" (did you mean "topic"?); its inputs are "topic". A crew takes other inputs only with extra_inputs: true in its crew.yaml.',
  },
};

beforeAll(async () => {
  extra = mkdtempSync(join(tmpdir(), "crewstream-extra-"));
  cpSync(join(FIXTURE_CREWS, "duo"), join(extra, "open-duo"), { recursive: true });
  writeFileSync(
    join(extra, "open-duo", "crew.yaml"),
    "name: open-duo\nprocess: sequential\nextra_inputs: true\n",
  );
  server = await startTestServer({ crewsDirs: [FIXTURE_CREWS, extra] });
});
afterAll(async () => {
  await socket?.close();
  await server.cleanup();
  rmSync(extra, { recursive: true, force: true });
});

describe("unknown inputs", () => {
  it("POST /api/runs answers 400 unknown_input and creates no run", async () => {
    const response = await server.post("/api/runs", {
      crew: "duo",
      inputs: { topic: "moths", topik: "x" },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(UNKNOWN);
    const stream = await server.post("/api/crew/stream", {
      crew: "duo",
      inputs: { topic: "moths", topik: "x" },
    });
    expect(stream.status).toBe(400);
    expect(((await stream.json()) as typeof UNKNOWN).error.code).toBe("unknown_input");
    const runs = (await (await server.api("/api/runs")).json()) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });

  it("a WebSocket start answers an error message with code unknown_input", async () => {
    socket = await TestSocket.open(`${server.url.replace(/^http/, "ws")}/api/ws`);
    socket.send({
      type: "start",
      id: "s1",
      crew: "duo",
      inputs: { topic: "moths", topik: "x" },
    });
    expect(await socket.next()).toEqual({ type: "error", id: "s1", ...UNKNOWN.error });
  });

  it("a crew with extra_inputs: true takes inputs it does not use", async () => {
    const response = await server.post("/api/runs", {
      crew: "open-duo",
      inputs: { topic: "moths", audience: "engineers" },
    });
    expect(response.status, await response.clone().text()).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    const events = await collectSse(await server.api(`/api/runs/${runId}/events`));
    assertCompleteRun(events);
    expect(events[0]).toMatchObject({ inputs: { topic: "moths", audience: "engineers" } });
  });
});
