/**
 * Refuses inputs a crew does not use. `{"topik": "x"}` would otherwise start a run that fails
 * on the missing `topic` or, worse, runs with a default and is titled "x" in the history.
 */
import { CrewError, ErrorCode, type Inputs } from "../events/index.js";
import { didYouMean } from "./crew-problems.js";
import { knownInputs } from "./interpolate.js";
import type { CrewDefinition } from "./types.js";

/**
 * Throws unknown_input naming the first input `def` does not use, the closest known name, and
 * the known inputs; does nothing when the crew declares `extraInputs`.
 */
export function checkInputNames(def: CrewDefinition, inputs: Inputs): void {
  if (def.extraInputs === true) return;
  const known = knownInputs(def);
  const unknown = Object.keys(inputs).filter((name) => !known.includes(name));
  const first = unknown[0];
  if (first === undefined) return;
  const names = unknown.map((name) => JSON.stringify(name)).join(", ");
  const takes =
    known.length === 0
      ? "it takes no inputs"
      : `its inputs are ${known.map((name) => JSON.stringify(name)).join(", ")}`;
  throw new CrewError(
    ErrorCode.UNKNOWN_INPUT,
    `Crew "${def.name}" has no input ${names}${didYouMean(first, known)}; ${takes}. ` +
      "A crew takes other inputs only with extra_inputs: true in its crew.yaml.",
  );
}
