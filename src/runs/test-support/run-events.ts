/** A run's events one by one, as the old per-event API gave them: checks happen on the first pull. */
import { flatten, type CrewEvent } from "../../events/index.js";
import type { RunEventsOptions, RunService } from "../run-service.js";

/** `runs.openEvents(id, options)` flattened; run and cursor errors are thrown on the first pull. */
export async function* runEvents(
  runs: Pick<RunService, "openEvents">,
  id: string,
  options: RunEventsOptions = {},
): AsyncGenerator<CrewEvent, void, undefined> {
  yield* flatten(await runs.openEvents(id, options));
}
