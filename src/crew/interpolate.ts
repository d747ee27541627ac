/**
 * `{placeholder}` filling with CrewAI's semantics: only `{identifier}` (letters, digits, `_`
 * and `-`, not starting with a digit) is a placeholder, and doubled braces (`{{x}}`) are left
 * alone, so JSON examples in a task description survive. Values are strings, numbers and
 * booleans, written as text.
 */
import { CrewError, ErrorCode, type Inputs } from "../events/index.js";
import type { CrewDefinition } from "./types.js";

/** CrewAI's `interpolate_only` pattern: the only definition of a placeholder in crewstream. */
const PLACEHOLDER = /(?<!\{)\{([A-Za-z_][A-Za-z0-9_-]*)\}(?!\})/g;

/** The placeholder names in `text`, each once, in order of first use. */
export function placeholdersOf(text: string): string[] {
  // Most fields have none; the regular expression (with its lookbehind) costs more than a scan.
  if (!text.includes("{")) return [];
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1] ?? ""))];
}

function asText(name: string, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new CrewError(
    ErrorCode.BAD_REQUEST,
    `Input "${name}" must be a string, a number or a boolean.`,
  );
}

function missing(names: Map<string, string[]>): CrewError {
  const parts = [...names].map(([name, places]) => {
    const where = places.length === 0 ? "" : ` (used in ${places.join(", ")})`;
    return `"${name}"${where}`;
  });
  const one = parts.length === 1;
  return new CrewError(
    ErrorCode.MISSING_INPUT,
    `Missing input${one ? "" : "s"} ${parts.join(", ")}; give ${one ? "it a value" : "them values"} in the run's inputs.`,
  );
}

/**
 * Fills every `{name}` in `text` from `inputs`. Throws CrewError `missing_input` naming each
 * placeholder without a value, and `where` (e.g. "task research_task's description") if given.
 */
export function interpolate(text: string, inputs: Inputs, where?: string): string {
  if (!text.includes("{")) return text;
  const absent = placeholdersOf(text).filter((name) => !Object.hasOwn(inputs, name));
  if (absent.length > 0)
    throw missing(new Map(absent.map((name) => [name, where === undefined ? [] : [where]])));
  return text.replace(PLACEHOLDER, (_match, name: string) => asText(name, inputs[name]));
}

/**
 * Fills the placeholders `inputs` gives and leaves the others as written. For showing text
 * whose inputs may be incomplete (roles in `run.start`, a process crew's descriptions); a run's
 * own text is filled by {@link interpolate}, which refuses missing inputs.
 */
export function fillKnownPlaceholders(text: string, inputs: Inputs): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(inputs, name) ? asText(name, inputs[name]) : whole,
  );
}

/**
 * Where text fields came from, keyed by {@link textSourceKey}: e.g. `agents.yaml:3
 * researcher.goal`. Loaded crews carry it so that missing inputs name file and line.
 */
export type TextSources = Record<string, string>;

/** The key of a text field in {@link TextSources}: `agent:researcher:goal`. */
export function textSourceKey(kind: "agent" | "task", key: string, field: string): string {
  return `${kind}:${key}:${field}`;
}

/** A definition, possibly with the sources of its text fields (a loaded crew has them). */
type Traceable = CrewDefinition & { sources?: TextSources };

/** Each text field of a definition that may hold placeholders, with where it is. */
function textFields(def: Traceable): { where: string; text: string }[] {
  const where = (kind: "agent" | "task", key: string, field: string): string =>
    def.sources?.[textSourceKey(kind, key, field)] ?? `${kind} ${key}'s ${field}`;
  return [
    ...def.agents.flatMap((agent) =>
      (["role", "goal", "backstory"] as const).map((field) => ({
        where: where("agent", agent.key, field),
        text: agent[field],
      })),
    ),
    ...def.tasks.flatMap((task) => [
      { where: where("task", task.key, "description"), text: task.description },
      { where: where("task", task.key, "expected_output"), text: task.expectedOutput },
    ]),
  ];
}

/** Each placeholder of a definition's texts, with where it is used. */
type PlaceholderUses = ReadonlyMap<string, readonly string[]>;

/** Worked out once per definition: a crew's texts are read for every run it starts. */
const usesOf = new WeakMap<CrewDefinition, PlaceholderUses>();

/**
 * The placeholders of `def`'s texts, each with the places it is used. A definition is a value:
 * once read here it is not changed (copies, like {@link interpolateCrew}'s, are read anew).
 */
function placeholderUses(def: Traceable): PlaceholderUses {
  let uses = usesOf.get(def);
  if (uses === undefined) {
    const found = new Map<string, string[]>();
    for (const { where, text } of textFields(def)) {
      for (const name of placeholdersOf(text)) found.set(name, [...(found.get(name) ?? []), where]);
    }
    uses = found;
    usesOf.set(def, uses);
  }
  return uses;
}

/**
 * Names of every input a run of `def` can use: its placeholders and the inputs crew.yaml gives
 * defaults for, sorted and each once.
 */
export function knownInputs(def: CrewDefinition): string[] {
  const names = new Set(placeholderUses(def).keys());
  for (const name of Object.keys(def.defaultInputs)) names.add(name);
  return [...names].sort();
}

/**
 * Names of the inputs a run of `def` must give: every placeholder of its agents and tasks
 * that has no default in `defaultInputs`, sorted and each once.
 */
export function requiredInputs(def: CrewDefinition): string[] {
  const names = new Set(placeholderUses(def).keys());
  for (const name of Object.keys(def.defaultInputs)) names.delete(name);
  return [...names].sort();
}

/**
 * Throws one `missing_input` error naming every placeholder of `def` that `values` gives no
 * value for, and where each is used (file and line for a loaded crew).
 */
export function checkPlaceholders(def: Traceable, values: Inputs): void {
  let absent: Map<string, string[]> | undefined;
  for (const [name, places] of placeholderUses(def)) {
    if (Object.hasOwn(values, name)) continue;
    (absent ??= new Map()).set(name, [...places]);
  }
  if (absent !== undefined) throw missing(absent);
}

/**
 * A copy of `def` with every placeholder filled from `inputs` over the crew's defaults.
 * Throws one `missing_input` error naming every missing placeholder and where each is used
 * (file and line for a loaded crew).
 */
export function interpolateCrew<T extends Traceable>(def: T, inputs: Inputs): T {
  const values: Inputs = { ...def.defaultInputs, ...inputs };
  checkPlaceholders(def, values);
  const fill = (text: string): string => interpolate(text, values);
  return {
    ...def,
    agents: def.agents.map((agent) => ({
      ...agent,
      role: fill(agent.role),
      goal: fill(agent.goal),
      backstory: fill(agent.backstory),
    })),
    tasks: def.tasks.map((task) => ({
      ...task,
      description: fill(task.description),
      expectedOutput: fill(task.expectedOutput),
    })),
  };
}
