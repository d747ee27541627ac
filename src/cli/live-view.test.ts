import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { EventStamper } from "../events/index.js";
import { LiveView } from "./live-view.js";
import { sampleRun, sampleRunEnd } from "./test-support/sample-run.js";

/** A fake terminal: a stream with a width that records every write. */
function fakeTerminal(): { stream: NodeJS.WriteStream; writes: string[] } {
  const writes: string[] = [];
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  Object.assign(stream, { columns: 100, rows: 40, isTTY: true });
  stream.on("data", (chunk: Buffer) => writes.push(chunk.toString("utf8")));
  return { stream, writes };
}

const strip = stripVTControlCharacters;

describe("LiveView", () => {
  it("redraws on its own clock, not once per event", async () => {
    const { stream, writes } = fakeTerminal();
    const view = new LiveView({ stream });
    const events = sampleRun();
    const last = events.at(-1);
    if (last === undefined) throw new Error("sample run is empty");
    const stamper = new EventStamper(last.runId, last.seq);
    for (const event of events) view.push(event);
    // A thousand deltas pushed in one go are folded into the state, not drawn one by one.
    for (let i = 0; i < 1000; i++) {
      view.push(
        stamper.stamp({
          type: "text.delta",
          agent: "writer",
          task: "report_task",
          delta: `w${i} `,
        }),
      );
    }
    view.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes.length).toBeLessThan(10);
    const final = strip(writes.join(""));
    expect(final).toContain("~1,002 tok");
    expect(final).toContain("w999");
  });

  it("leaves the final frame with the run's end in the scrollback", async () => {
    const { stream, writes } = fakeTerminal();
    const view = new LiveView({ stream, now: (state) => state.lastEventAt ?? 0 });
    const events = sampleRun();
    for (const event of [...events, ...sampleRunEnd(events)]) view.push(event);
    view.stop();
    view.stop();
    await new Promise((resolve) => setImmediate(resolve));
    const output = strip(writes.join(""));
    expect(output).toContain("◆ research-crew");
    expect(output).toContain("completed");
    expect(output.trimEnd().endsWith("260 tok")).toBe(true);
  });
});
