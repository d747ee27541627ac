import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CrewEvent } from "../events/index.js";
import { assertCompleteRun, collectSse, readSse } from "./test-support/sse-client.js";
import { FIXTURE_CREWS, startTestServer } from "./test-support/test-server.js";

const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));

describe("process crews", () => {
  it("streams a Python crew process through the same API", async () => {
    const server = await startTestServer({ crewsDirs: [FIXTURE_CREWS, EXAMPLES] });
    try {
      const crews = (await (await server.api("/api/crews")).json()) as {
        crews: Array<{ name: string; kind?: string }>;
      };
      expect(crews.crews.find((crew) => crew.name === "python-crew")).toMatchObject({
        kind: "process",
      });
      const response = await server.post("/api/crew/stream", {
        crew: "python-crew",
        inputs: { topic: "tidal power" },
      });
      expect(response.status).toBe(200);
      const events = await collectSse(response);
      assertCompleteRun(events);
      expect(events[0]).toMatchObject({
        type: "run.start",
        crew: "python-crew",
        inputs: { topic: "tidal power" },
      });
      expect(events.at(-1)).toMatchObject({ type: "run.end", status: "completed" });
      const run = await (await server.api(`/api/runs/${events[0]!.runId}`)).json();
      expect(run).toMatchObject({ crew: "python-crew", status: "completed" });
    } finally {
      await server.cleanup();
    }
  });

  it("streams a Python crew's tool calls and tokens, and answers its input request over HTTP", async () => {
    const server = await startTestServer({ crewsDirs: [EXAMPLES] });
    try {
      const response = await server.post("/api/crew/stream", {
        crew: "python-crew",
        inputs: { topic: "tidal power", review: true },
      });
      const runId = response.headers.get("x-run-id")!;
      const events: CrewEvent[] = [];
      for await (const message of readSse(response.body!)) {
        const event = message.crewEvent;
        events.push(event);
        if (event.type === "input.request") {
          const answer = await server.post(`/api/runs/${runId}/input`, {
            requestId: event.requestId,
            text: "Mention grid storage.",
          });
          expect(answer.status).toBe(200);
        }
      }
      assertCompleteRun(events);
      expect(events.filter((event) => event.type === "tool.call")).toHaveLength(1);
      expect(
        events
          .filter((event) => event.type === "task.end")
          .map((event) => event.usage.outputTokens),
      ).toEqual([60, 60, 90]);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: "input.response",
          text: "Mention grid storage.",
          task: "reporting_task",
        }),
      );
      const end = events.at(-1);
      expect(end).toMatchObject({ type: "run.end", status: "completed" });
      expect(end?.type === "run.end" ? end.result : "").toMatch(
        /Reviewer's note: Mention grid storage\.$/,
      );
    } finally {
      await server.cleanup();
    }
  });
});
