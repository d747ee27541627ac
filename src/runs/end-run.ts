/**
 * Ends a run from outside its worker (cancelled while queued, or interrupted because its worker
 * died): appends `run.start` when nothing was written, then `run.end`. The store's atomic
 * gapless append makes this safe against a worker or another process ending it at the same
 * time: exactly one `run.end` wins, the other append is refused with `conflict`.
 */
import {
  addUsage,
  EventStamper,
  ZERO_USAGE,
  type CrewEvent,
  type ErrorInfo,
  type RunEndStatus,
  type Usage,
} from "../events/index.js";
import type { CrewRunnerInfo } from "./crew-runner.js";
import type { RunRecord, RunStore } from "../store/index.js";

const PAGE = 1000;

/** Appends the closing events of `run`; throws `conflict` if the log moved on meanwhile. */
export async function endRun(
  store: RunStore,
  run: RunRecord,
  status: RunEndStatus,
  error: ErrorInfo,
  info?: CrewRunnerInfo,
): Promise<void> {
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
        process: info?.process ?? "sequential",
        inputs: run.inputs,
        agents: info?.agents ?? [],
        tasks: info?.tasks ?? [],
      }),
    );
  }
  const started = Date.parse(run.startedAt ?? run.createdAt);
  events.push(
    stamper.stamp({
      type: "run.end",
      status,
      error,
      usage,
      durationMs: Math.max(0, Date.now() - started),
    }),
  );
  await store.appendEvents(run.id, events);
}
