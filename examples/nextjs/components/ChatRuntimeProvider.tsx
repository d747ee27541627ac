"use client";
/**
 * Gives the page an assistant-ui runtime whose replies are crew runs: each user message starts
 * a run of the crew (its text is the `topic` input), the run streams into the assistant message,
 * and the stop button cancels the run on the server. Every message of the page is a turn of one
 * thread, so a follow-up ("shorter, and in French") is answered with the conversation so far.
 */
import { AssistantRuntimeProvider } from "@assistant-ui/react";
import { CrewClient } from "crewstream/client";
import { useCrewRuntime } from "crewstream/react";
import { useMemo, useState, type ReactNode } from "react";

export function ChatRuntimeProvider({ crew, children }: { crew?: string; children: ReactNode }) {
  // Same origin: the client calls this app's /api/crew/stream and /api/runs/... routes.
  const client = useMemo(() => new CrewClient(), []);
  const [threadId] = useState(() => crypto.randomUUID());
  const runtime = useCrewRuntime({ client, threadId, ...(crew === undefined ? {} : { crew }) });
  return <AssistantRuntimeProvider runtime={runtime}>{children}</AssistantRuntimeProvider>;
}
