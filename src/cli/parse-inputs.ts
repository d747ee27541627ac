/**
 * Run inputs from the command line: `--input key=value` (repeatable, values kept as strings)
 * and `--input-json '{"key": 3}'` (numbers and booleans kept as typed).
 */
import { CrewError, ErrorCode, inputsSchema, type Inputs } from "../events/index.js";

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses `key=value` pairs and an optional JSON object into run inputs. Throws `bad_request`. */
export function parseInputs(pairs: readonly string[] = [], json?: string): Inputs {
  const inputs: Inputs = {};
  if (json !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw new CrewError(ErrorCode.BAD_REQUEST, `--input-json is not valid JSON: ${json}`);
    }
    const parsed = inputsSchema.safeParse(value);
    if (!parsed.success) {
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        '--input-json must be a JSON object of strings, numbers and booleans, e.g. \'{"topic":"AI"}\'.',
      );
    }
    Object.assign(inputs, parsed.data);
  }
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq === -1 ? "" : pair.slice(0, eq).trim();
    if (key === "")
      throw new CrewError(ErrorCode.BAD_REQUEST, `--input expects key=value, got "${pair}".`);
    inputs[key] = pair.slice(eq + 1);
  }
  return inputs;
}
