/**
 * How a run appears in an assistant-ui message: a `data` part named {@link CREW_PROGRESS_PART}
 * carrying the crew's progress (per agent and task: status, steps, tokens, tool calls,
 * delegation, timing, human input), then a `text` part with the answer: the last task's text
 * as it is written, replaced by the run's result when it completes.
 */
import type { ChatModelRunResult, ThreadAssistantMessagePart } from "@assistant-ui/react";
import { finalText } from "../client/index.js";
import type { RunProgress } from "../client/index.js";

/** Name of the data part that carries {@link CrewProgressData}. */
export const CREW_PROGRESS_PART = "crew-progress";

/** State of the connection to the run's event stream. */
export type ConnectionState = "live" | "reconnecting" | "closed";

/** The payload of the {@link CREW_PROGRESS_PART} data part. */
export interface CrewProgressData {
  progress: RunProgress;
  connection: ConnectionState;
}

/** Keys the adapter sets in the message's `metadata.custom`. */
export interface CrewMessageMetadata {
  runId: string;
  runStatus: RunProgress["status"];
}

/** The assistant message update for a run's progress. */
export function toRunResult(
  progress: RunProgress,
  connection: ConnectionState,
): ChatModelRunResult {
  const data: CrewProgressData = { progress, connection };
  const text = finalText(progress);
  const content: ThreadAssistantMessagePart[] = [{ type: "data", name: CREW_PROGRESS_PART, data }];
  if (text) content.push({ type: "text", text });
  const custom: CrewMessageMetadata = { runId: progress.runId ?? "", runStatus: progress.status };
  return { content, metadata: { custom: { ...custom } }, ...statusOf(progress) };
}

function statusOf(progress: RunProgress): Pick<ChatModelRunResult, "status"> {
  switch (progress.status) {
    case "completed":
      return { status: { type: "complete", reason: "stop" } };
    case "cancelled":
      return { status: { type: "incomplete", reason: "cancelled" } };
    case "failed":
      return {
        status: {
          type: "incomplete",
          reason: "error",
          error: progress.error?.message ?? "The run failed.",
        },
      };
    default:
      return { status: { type: "running" } };
  }
}
