/** The crews the server can run, loaded once. */
import { useEffect, useState } from "react";
import type { CrewListing } from "../../../src/client/index.js";
import { useCrewClient } from "../client-context.js";

/** Crews, or the error that kept them from loading. */
export function useCrews(): { crews: CrewListing[]; error?: string } {
  const client = useCrewClient();
  const [state, setState] = useState<{ crews: CrewListing[]; error?: string }>({ crews: [] });
  useEffect(() => {
    const controller = new AbortController();
    client
      .listCrews({ signal: controller.signal })
      .then((crews) => setState({ crews }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted)
          setState({ crews: [], error: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [client]);
  return state;
}

/** The input a typed message fills: `topic` when the crew has it, else its first input. */
export function mainInput(crew: CrewListing | undefined): string {
  if (!crew || crew.inputs.length === 0) return "topic";
  return crew.inputs.includes("topic") ? "topic" : (crew.inputs[0] ?? "topic");
}
