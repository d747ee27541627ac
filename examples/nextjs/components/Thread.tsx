"use client";
/** A minimal assistant-ui thread: messages, the crew's live progress, a composer with Stop. */
import {
  ComposerPrimitive,
  MessagePrimitive,
  ThreadPrimitive,
  useAuiState,
} from "@assistant-ui/react";
import { CREW_PROGRESS_PART } from "crewstream/react";
import { CrewProgress } from "./CrewProgress";

function UserMessage() {
  return (
    <MessagePrimitive.Root className="message user">
      <MessagePrimitive.Parts />
    </MessagePrimitive.Root>
  );
}

const ASSISTANT_PARTS = { data: { by_name: { [CREW_PROGRESS_PART]: CrewProgress } } };

function AssistantMessage() {
  return (
    <MessagePrimitive.Root className="message assistant">
      <MessagePrimitive.Parts components={ASSISTANT_PARTS} />
    </MessagePrimitive.Root>
  );
}

export function Thread() {
  const isRunning = useAuiState((s) => s.thread.isRunning);
  return (
    <ThreadPrimitive.Root className="thread">
      <ThreadPrimitive.Viewport className="viewport">
        <ThreadPrimitive.Empty>
          <p className="hint">Name a topic; the crew researches it and writes a note.</p>
        </ThreadPrimitive.Empty>
        <ThreadPrimitive.Messages components={{ UserMessage, AssistantMessage }} />
      </ThreadPrimitive.Viewport>
      <ComposerPrimitive.Root className="composer">
        <ComposerPrimitive.Input
          placeholder="Enter a topic…"
          aria-label="topic"
          rows={1}
          autoFocus
        />
        {isRunning ? (
          <ComposerPrimitive.Cancel>Stop</ComposerPrimitive.Cancel>
        ) : (
          <ComposerPrimitive.Send>Run</ComposerPrimitive.Send>
        )}
      </ComposerPrimitive.Root>
    </ThreadPrimitive.Root>
  );
}
