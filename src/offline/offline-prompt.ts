/**
 * Reads an AI SDK prompt the way the offline model needs it: who the agent is (role, goal,
 * backstory from the system prompt), what it must do (task, expected output, context from the
 * user prompt), which tools were already called and what they returned.
 *
 * Recognised layouts (case-insensitive), so crews prompted CrewAI-style or with plain labels
 * both work:
 * - system: `You are <role>. <backstory>` + `Your personal goal is: <goal>`, or lines
 *   `Role: ...`, `Goal: ...`, `Backstory: ...` (optionally as markdown headings);
 * - user: `Current Task: ...` or `Task: ...`; `Expected output: ...` or `This is the expected
 *   criteria for your final answer: ...`; `Context: ...` or `This is the context you're working
 *   with: ...`. A user prompt with no label is the task itself.
 * - user: `This is the conversation so far:` followed by `User: ...` / `Assistant: ...` turns
 *   (a thread's short-term memory), read to the end of the prompt.
 */
import type { LanguageModelV3Prompt, LanguageModelV3ToolResultOutput } from "@ai-sdk/provider";

/** A tool call found in the conversation, with its result when there is one. */
interface ToolExchange {
  toolCallId: string;
  toolName: string;
  input: unknown;
  /** The result as text; undefined while the call has no result. */
  result?: string;
}

/** What the offline model understood of a prompt. */
export interface OfflinePrompt {
  role: string;
  goal: string;
  backstory: string;
  task: string;
  expectedOutput: string;
  context: string;
  /** Entries recalled from long-term memory (`- ...` lines), or "". */
  memories: string;
  /** The thread's conversation so far (`User:` / `Assistant:` turns), or "". */
  conversation: string;
  /** Feedback a human gave on an earlier answer (later user messages), or "". */
  feedback: string;
  /** Tool calls made so far, in order. */
  exchanges: ToolExchange[];
  /** All prompt text, for token counting and hashing. */
  fullText: string;
}

const SECTION_LABELS: Record<
  string,
  keyof Omit<OfflinePrompt, "exchanges" | "fullText" | "feedback" | "conversation">
> = {
  role: "role",
  goal: "goal",
  "your personal goal is": "goal",
  backstory: "backstory",
  task: "task",
  "current task": "task",
  description: "task",
  "expected output": "expectedOutput",
  "this is the expected criteria for your final answer": "expectedOutput",
  context: "context",
  "this is the context you're working with": "context",
  "this is the context you are working with": "context",
  "this is what you remember from earlier runs": "memories",
};

const LABEL_LINE = new RegExp(
  String.raw`^[ \t]*(?:#+[ \t]*)?(?:\*\*)?(${Object.keys(SECTION_LABELS)
    .map((label) => label.replace(/[.*+?^${}()|[\]\\']/g, (c) => (c === "'" ? "['’]" : `\\${c}`)))
    .join("|")})(?:\*\*)?[ \t]*:?(?:\*\*)?[ \t]*(.*)$`,
  "i",
);

/** Instruction lines of the prompt layout that are not part of any field. */
const BOILERPLATE =
  /^\s*(?:you must return the actual complete content|begin! this is very important)/i;

/** The line that opens a thread's conversation in a task prompt. */
const CONVERSATION_LINE = /^[ \t]*this is the conversation so far[ \t]*:[^\n]*$/im;

/** Splits text into labelled sections; text before the first label goes to `preamble`. */
function splitSections(text: string): { preamble: string; sections: Map<string, string> } {
  const buffers: Array<{ field: string | undefined; lines: string[] }> = [
    { field: undefined, lines: [] },
  ];
  for (const line of text.split(/\r?\n/)) {
    const match = LABEL_LINE.exec(line);
    const label = match?.[1]?.toLowerCase().replace("’", "'");
    const field = label === undefined ? undefined : SECTION_LABELS[label];
    const rest = (match?.[2] ?? "").trim();
    // A label needs a colon or a line of its own, so prose starting with "Task" stays prose.
    if (field && (line.includes(":") || rest === "")) {
      buffers.push({ field, lines: rest ? [rest] : [] });
    } else if (!BOILERPLATE.test(line)) {
      buffers.at(-1)?.lines.push(line);
    }
  }
  const sections = new Map<string, string>();
  for (const { field, lines } of buffers) {
    if (field && !sections.has(field)) sections.set(field, lines.join("\n").trim());
  }
  return { preamble: (buffers[0]?.lines ?? []).join("\n").trim(), sections };
}

function toolOutputText(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case "text":
    case "error-text":
      return output.value;
    case "json":
    case "error-json":
      return typeof output.value === "string" ? output.value : JSON.stringify(output.value);
    case "execution-denied":
      return `denied${output.reason ? `: ${output.reason}` : ""}`;
    case "content":
      return output.value.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    default:
      return "";
  }
}

/** Parses an AI SDK prompt into the fields the offline answers are built from. */
export function parsePrompt(prompt: LanguageModelV3Prompt): OfflinePrompt {
  const system: string[] = [];
  const user: string[] = [];
  const exchanges: ToolExchange[] = [];
  const byId = new Map<string, ToolExchange>();
  for (const message of prompt) {
    if (message.role === "system") {
      system.push(message.content);
      continue;
    }
    for (const part of message.content) {
      if (part.type === "text" && message.role === "user") user.push(part.text);
      if (part.type === "tool-call") {
        const exchange: ToolExchange = {
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: part.input,
        };
        exchanges.push(exchange);
        byId.set(part.toolCallId, exchange);
      }
      if (part.type === "tool-result") {
        const text = toolOutputText(part.output);
        const known = byId.get(part.toolCallId);
        if (known) known.result = text;
        else
          exchanges.push({
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: {},
            result: text,
          });
      }
    }
  }
  const systemText = system.join("\n\n");
  const userText = user[0] ?? "";
  const feedback = user
    .slice(1)
    .map((text) => /gave this feedback:\s*([\s\S]*?)(?:\n\s*\n|$)/i.exec(text)?.[1]?.trim() ?? "")
    .filter(Boolean)
    .join("\n");
  const sys = splitSections(systemText);
  // The conversation quotes earlier answers, whose lines may look like labels: it is cut off
  // before the rest of the prompt is split into sections.
  const talk = CONVERSATION_LINE.exec(userText);
  const usr = splitSections(talk ? userText.slice(0, talk.index) : userText);
  const conversation = talk
    ? userText
        .slice(talk.index + talk[0].length)
        .split(/\r?\n/)
        .filter((line) => !BOILERPLATE.test(line))
        .join("\n")
        .trim()
    : "";
  const youAre =
    /you are (?:an? |the )?([^.\n]+?)\.(?:\s+([\s\S]*?))?(?=\n\s*your personal goal is|$)/i.exec(
      sys.preamble,
    );
  return {
    role: sys.sections.get("role") ?? youAre?.[1]?.trim() ?? "Assistant",
    goal: sys.sections.get("goal") ?? "",
    backstory: sys.sections.get("backstory") ?? youAre?.[2]?.trim() ?? "",
    task: usr.sections.get("task") ?? (usr.preamble || userText).trim(),
    expectedOutput: usr.sections.get("expectedOutput") ?? "",
    context: usr.sections.get("context") ?? "",
    memories: usr.sections.get("memories") ?? "",
    conversation,
    feedback,
    exchanges,
    fullText: [
      systemText,
      ...user,
      ...exchanges.map((e) => `${JSON.stringify(e.input)} ${e.result ?? ""}`),
    ].join("\n"),
  };
}
