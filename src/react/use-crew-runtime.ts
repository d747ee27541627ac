/**
 * `useCrewRuntime`: an assistant-ui runtime whose assistant replies are crew runs.
 *
 * ```tsx
 * const runtime = useCrewRuntime({ client: new CrewClient() });
 * return <AssistantRuntimeProvider runtime={runtime}><Thread /></AssistantRuntimeProvider>;
 * ```
 */
import { useLocalRuntime } from "@assistant-ui/react";
import type { AssistantRuntime, LocalRuntimeOptions } from "@assistant-ui/react";
import { useMemo, useRef } from "react";
import { createCrewAdapter, lastUserText } from "./crew-adapter.js";
import type { CrewAdapterOptions } from "./crew-adapter.js";

/** Options of {@link useCrewRuntime}: the adapter's, plus assistant-ui's local runtime options. */
export interface UseCrewRuntimeOptions extends CrewAdapterOptions {
  runtime?: LocalRuntimeOptions;
}

/**
 * Returns `useLocalRuntime(createCrewAdapter(options))`. The adapter is created once and reads
 * the latest options at each message, so callbacks and crew choices may change between renders.
 */
export function useCrewRuntime(options: UseCrewRuntimeOptions): AssistantRuntime {
  const latest = useRef(options);
  latest.current = options;
  const adapter = useMemo(
    () =>
      createCrewAdapter({
        get client() {
          return latest.current.client;
        },
        crew: () => {
          const crew = latest.current.crew;
          return typeof crew === "function" ? crew() : crew;
        },
        threadId: () => {
          const threadId = latest.current.threadId;
          return typeof threadId === "function" ? threadId() : threadId;
        },
        inputsFrom: (messages) =>
          latest.current.inputsFrom?.(messages) ?? { topic: lastUserText(messages) },
        onRunStart: (runId) => latest.current.onRunStart?.(runId),
        onRunEnd: (progress) => latest.current.onRunEnd?.(progress),
        cancelOnAbort: () => latest.current.cancelOnAbort?.() ?? true,
      }),
    [],
  );
  return useLocalRuntime(adapter, options.runtime);
}
