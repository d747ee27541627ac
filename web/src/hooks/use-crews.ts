/** The crews the server can run, loaded once (and again until a load succeeds). */
import { useEffect, useState } from "react";
import type { CrewListing } from "../../../src/client/index.js";
import { useCrewClient } from "../client-context.js";

/** Pauses between attempts: a server that is still starting gets about 15 s to answer. */
const RETRY_MS = [250, 500, 1000, 2000, 4000, 8000];

/** Crews, or the error that kept them from loading. */
export function useCrews(): { crews: CrewListing[]; error?: string } {
  const client = useCrewClient();
  const [state, setState] = useState<{ crews: CrewListing[]; error?: string }>({ crews: [] });
  useEffect(() => {
    // The first load can meet a server that is not answering yet (the page was opened or
    // reloaded while `npm start` was still building or starting): a failed answer used to
    // leave the page without crews until a reload. Failures are now tried again, and only the
    // last one is shown.
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (attempt: number): void => {
      client
        .listCrews({ signal: controller.signal })
        .then((crews) => setState({ crews }))
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          const wait = RETRY_MS[attempt];
          if (wait !== undefined) {
            timer = setTimeout(() => load(attempt + 1), wait);
            return;
          }
          const message = error instanceof Error ? error.message : String(error);
          setState({ crews: [], error: message || "the server did not answer" });
        });
    };
    load(0);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client]);
  return state;
}

/** The input a typed message fills: `topic` when the crew has it, else its first input. */
export function mainInput(crew: CrewListing | undefined): string {
  if (!crew || crew.inputs.length === 0) return "topic";
  return crew.inputs.includes("topic") ? "topic" : (crew.inputs[0] ?? "topic");
}
