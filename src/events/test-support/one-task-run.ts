/** Test support: the start of a run of one agent "a" (role "A") with one task "t", crew "c". */
import type { EventDraft } from "../protocol.js";

export const ONE_TASK_START = {
  type: "run.start",
  crew: "c",
  process: "sequential",
  inputs: {},
  agents: [{ key: "a", role: "A" }],
  tasks: [{ key: "t", agent: "a" }],
} as const satisfies EventDraft;
