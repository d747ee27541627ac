import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assertCompleteRun, collectSse } from "./test-support/sse-client.js";
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
});
