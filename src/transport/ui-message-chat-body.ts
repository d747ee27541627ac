/**
 * Reads what `useChat` posts (`{ id, messages, trigger, ...body }`) as a crew run's name and
 * inputs.
 */
import { CrewError, ErrorCode } from "../events/index.js";
import type { Inputs } from "../events/index.js";

/** Options of {@link inputsFromChatBody}. */
export interface ChatBodyOptions {
  /** The input the last user message fills. Default: the crew's first required input, else `topic`. */
  mainInput?: string;
  /** The crew's required inputs, when known. */
  requiredInputs?: readonly string[];
}

/** Fields `useChat`'s transport adds to every body; they are not inputs. */
const CHAT_FIELDS = new Set([
  "id",
  "messages",
  "trigger",
  "messageId",
  "crew",
  "inputs",
  "onDisconnect",
]);

/**
 * Reads a `useChat` request body (`{ messages, ...body }`): the crew's name (`crew`), inputs
 * from `inputs` and from the body's other scalar fields, and the last user message's text as
 * the main input. Throws `bad_request` when there is no user text or an input is not a scalar.
 */
export function inputsFromChatBody(
  body: unknown,
  options: ChatBodyOptions = {},
): { crew?: string; inputs: Inputs } {
  if (
    typeof body !== "object" ||
    body === null ||
    !Array.isArray((body as { messages?: unknown }).messages)
  ) {
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "The body must be a JSON object with a `messages` array, as useChat sends it.",
    );
  }
  const record = body as Record<string, unknown> & { messages: unknown[] };
  const inputs: Inputs = {};
  for (const [key, value] of Object.entries(record)) {
    if (!CHAT_FIELDS.has(key) && isScalar(value)) inputs[key] = value;
  }
  if (record.inputs !== undefined) {
    if (typeof record.inputs !== "object" || record.inputs === null || Array.isArray(record.inputs))
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        "`inputs` must be an object of strings, numbers and booleans.",
      );
    for (const [key, value] of Object.entries(record.inputs)) {
      if (!isScalar(value))
        throw new CrewError(
          ErrorCode.BAD_REQUEST,
          `Input "${key}" must be a string, a number or a boolean.`,
        );
      inputs[key] = value;
    }
  }
  const text = lastUserText(record.messages);
  if (text === "")
    throw new CrewError(
      ErrorCode.BAD_REQUEST,
      "The chat has no user message with text to give the crew.",
    );
  inputs[options.mainInput ?? options.requiredInputs?.[0] ?? "topic"] = text;
  if (record.crew !== undefined && typeof record.crew !== "string")
    throw new CrewError(ErrorCode.BAD_REQUEST, "`crew` must be a crew's name.");
  return record.crew === undefined || record.crew === ""
    ? { inputs }
    : { crew: record.crew, inputs };
}

function isScalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === "string" ||
    (typeof value === "number" && Number.isFinite(value)) ||
    typeof value === "boolean"
  );
}

/** The text parts of the last user message, joined and trimmed. */
function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i] as { role?: unknown; parts?: unknown } | null;
    if (message?.role !== "user" || !Array.isArray(message.parts)) continue;
    const texts = message.parts.filter(
      (part): part is { type: "text"; text: string } =>
        part?.type === "text" && typeof part.text === "string",
    );
    return texts
      .map((part) => part.text)
      .join("\n")
      .trim();
  }
  return "";
}
