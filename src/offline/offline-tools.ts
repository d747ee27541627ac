/**
 * How the offline model uses tools: with `delegate_work` it delegates once to each coworker in
 * the order of the tool's `coworker` enum, one call per turn; with CrewAI's coworker tools (an
 * agent with `allow_delegation`) it hands part of the task to the first coworker once; with
 * other tools it calls the most suitable one once, with plausible arguments built from its JSON
 * schema, before answering.
 */
import type { JSONSchema7, JSONSchema7Definition } from "@ai-sdk/provider";
import type { LanguageModelV3CallOptions, LanguageModelV3FunctionTool } from "@ai-sdk/provider";
import type { OfflinePrompt } from "./offline-prompt.js";
import { excerpt, findTopic } from "./offline-topic.js";
import { DELEGATE_TOOL, DELEGATE_WORK_TOOL } from "../events/index.js";

/** A tool call the offline model decided to make. */
export interface PlannedToolCall {
  toolName: string;
  input: Record<string, unknown>;
}

function schemaOf(definition: JSONSchema7Definition | undefined): JSONSchema7 {
  return typeof definition === "object" ? definition : {};
}

/** The coworker keys of a `delegate_work` tool, in enum order. */
export function coworkersOf(tool: LanguageModelV3FunctionTool): string[] {
  const coworker = schemaOf(tool.inputSchema.properties?.["coworker"]);
  return (coworker.enum ?? []).filter((value): value is string => typeof value === "string");
}

function delegatedTo(prompt: OfflinePrompt, toolName: string): Set<string> {
  const done = new Set<string>();
  for (const e of prompt.exchanges) {
    if (e.toolName !== toolName || typeof e.input !== "object" || e.input === null) continue;
    const who = (e.input as Record<string, unknown>)["coworker"];
    if (typeof who === "string") done.add(who);
  }
  return done;
}

function planDelegation(
  prompt: OfflinePrompt,
  tool: LanguageModelV3FunctionTool,
  limit = Infinity,
): PlannedToolCall | undefined {
  const done = delegatedTo(prompt, tool.name);
  if (done.size >= limit) return undefined;
  const next = coworkersOf(tool).find((key) => !done.has(key));
  if (next === undefined) return undefined;
  const earlier = prompt.exchanges
    .filter((e) => e.toolName === tool.name && e.result !== undefined)
    .map((e) => excerpt(e.result ?? "", 700));
  const context = [
    prompt.expectedOutput && `Expected output: ${prompt.expectedOutput}`,
    prompt.context && `Context: ${excerpt(prompt.context, 1200)}`,
    earlier.length > 0 && `Work done so far by coworkers:\n${earlier.join("\n\n")}`,
  ].filter(Boolean);
  return {
    toolName: tool.name,
    input: {
      coworker: next,
      task: prompt.task,
      context: context.join("\n\n") || "No extra context.",
    },
  };
}

function valueFor(name: string, schema: JSONSchema7, topic: string, depth: number): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant !== undefined) return valueFor(name, schemaOf(variant), topic, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "number":
    case "integer":
      return Math.min(Math.max(schema.minimum ?? 3, 3), schema.maximum ?? 3);
    case "boolean":
      return true;
    case "array":
      return [
        valueFor(
          name,
          schemaOf(Array.isArray(schema.items) ? schema.items[0] : schema.items),
          topic,
          depth + 1,
        ),
      ];
    case "object":
      return depth > 3 ? {} : argsFor(schema, topic, depth + 1);
    default:
      return stringFor(name, schema, topic);
  }
}

function stringFor(name: string, schema: JSONSchema7, topic: string): string {
  const key = name.toLowerCase();
  if (schema.format === "uri" || schema.format === "url" || /url|link|href|uri/.test(key)) {
    return `https://en.wikipedia.org/wiki/${encodeURIComponent(topic.replace(/\s+/g, "_"))}`;
  }
  if (/path|file/.test(key)) return "README.md";
  if (schema.format === "email" || key.includes("email")) return "team@example.com";
  if (schema.format === "date" || key.includes("date")) return "2025-01-01";
  return topic;
}

/** Plausible arguments for an object schema: every required property (all when none is required). */
export function argsFor(schema: JSONSchema7, topic: string, depth = 0): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const names =
    schema.required && schema.required.length > 0 ? schema.required : Object.keys(properties);
  return Object.fromEntries(
    names.map((name) => [name, valueFor(name, schemaOf(properties[name]), topic, depth)]),
  );
}

const COMMON = new Set([
  "with",
  "from",
  "that",
  "this",
  "your",
  "will",
  "have",
  "into",
  "about",
  "make",
  "sure",
]);

/** Word stems (first five letters) of a text, for a rough overlap between tools and the task. */
function stems(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z]{4,}/g) ?? [];
  return new Set(words.filter((w) => !COMMON.has(w)).map((w) => w.slice(0, 5)));
}

/** Picks the tool whose name and description share the most words with the agent and task; ties go to the first. */
function mostSuitable(
  prompt: OfflinePrompt,
  tools: LanguageModelV3FunctionTool[],
): LanguageModelV3FunctionTool | undefined {
  const wanted = stems(`${prompt.role} ${prompt.goal} ${prompt.task}`);
  let best: LanguageModelV3FunctionTool | undefined;
  let bestScore = -1;
  for (const tool of tools) {
    const score = [...stems(`${tool.name.replace(/[_-]/g, " ")} ${tool.description ?? ""}`)].filter(
      (w) => wanted.has(w),
    ).length;
    if (score > bestScore) [best, bestScore] = [tool, score];
  }
  return best;
}

/**
 * Decides the next tool call, or undefined when the model should answer now. Deterministic:
 * it depends only on the prompt, the tools and the tool choice.
 */
export function planToolCall(
  prompt: OfflinePrompt,
  options: Pick<LanguageModelV3CallOptions, "tools" | "toolChoice">,
): PlannedToolCall | undefined {
  const tools = (options.tools ?? []).filter(
    (t): t is LanguageModelV3FunctionTool => t.type === "function",
  );
  const choice = options.toolChoice;
  if (tools.length === 0 || choice?.type === "none") return undefined;
  const delegate = tools.find((t) => t.name === DELEGATE_TOOL);
  if (delegate && (choice?.type !== "tool" || choice.toolName === DELEGATE_TOOL))
    return planDelegation(prompt, delegate);
  const coworker = tools.find((t) => t.name === DELEGATE_WORK_TOOL);
  if (coworker && (choice?.type !== "tool" || choice.toolName === DELEGATE_WORK_TOOL)) {
    const planned = planDelegation(prompt, coworker, 1);
    if (planned !== undefined) return planned;
  }
  if (prompt.exchanges.some((e) => e.result !== undefined)) return undefined;
  const candidates = tools.filter((t) => t.name !== DELEGATE_TOOL);
  const tool =
    choice?.type === "tool"
      ? candidates.find((t) => t.name === choice.toolName)
      : mostSuitable(prompt, candidates);
  if (!tool) return undefined;
  const topic = findTopic(prompt.task, prompt.expectedOutput, prompt.goal);
  return { toolName: tool.name, input: argsFor(tool.inputSchema, topic) };
}
