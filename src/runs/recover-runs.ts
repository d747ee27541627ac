/**
 * Recovery after a crash: every run the store still holds as `queued` or `running` gets a
 * `run.end` status failed, code `interrupted`, right after its last durable event. Nothing
 * written before the crash is touched.
 */
import {
  addUsage,
  ErrorCode,
  EventStamper,
  ZERO_USAGE,
  type CrewEvent,
  type Usage,
} from "../events/index.js";
import type { RunRecord, RunStore } from "../store/index.js";

const PAGE = 1000;

/**
 * Ends every unfinished run in `store` except those in `skip` (runs this process is executing).
 * Only call it when no other process is running runs on the same store. Returns the ended runs.
 */
export async function recoverRuns(
  store: RunStore,
  skip: ReadonlySet<string> = new Set(),
): Promise<RunRecord[]> {
  const recovered: RunRecord[] = [];
  for (const run of await store.listUnfinished()) {
    if (skip.has(run.id)) continue;
    let usage: Usage = ZERO_USAGE;
    let lastSeq = 0;
    for (
      let page = await store.readEvents(run.id, 0, PAGE);
      page.length > 0;
      page = await store.readEvents(run.id, lastSeq, PAGE)
    ) {
      for (const event of page) if (event.type === "task.end") usage = addUsage(usage, event.usage);
      lastSeq = page[page.length - 1]!.seq;
    }
    const stamper = new EventStamper(run.id, lastSeq);
    const events: CrewEvent[] = [];
    if (lastSeq === 0) {
      events.push(
        stamper.stamp({
          type: "run.start",
          crew: run.crew,
          process: "sequential",
          inputs: run.inputs,
          agents: [],
          tasks: [],
        }),
      );
    }
    const startedAt = Date.parse(run.startedAt ?? run.createdAt);
    events.push(
      stamper.stamp({
        type: "run.end",
        status: "failed",
        error: {
          code: ErrorCode.INTERRUPTED,
          message: "The process running this run stopped before it finished.",
        },
        usage,
        durationMs: Math.max(0, Date.now() - startedAt),
      }),
    );
    await store.appendEvents(run.id, events);
    const record = await store.getRun(run.id);
    if (record) recovered.push(record);
  }
  return recovered;
}
