/**
 * The offline model's structured answers: a value for any JSON Schema, deterministic for a
 * prompt, with plausible values (a `title` reads like a title about the task's topic, an
 * `email` like an address, numbers inside their bounds), and the verdicts of guardrail checks.
 */
import { capitalize, hashText } from "./offline-topic.js";

type Schema = Record<string, unknown>;

/** What the values are about and how they vary. */
export interface JsonContext {
  topic: string;
  seed: number;
  /** The whole schema, for `$ref`s. */
  root: Schema;
}

const MAX_DEPTH = 8;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema["$ref"];
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) {
    node = isSchema(node) ? node[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  }
  return isSchema(node)
    ? { ...node, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$ref")) }
    : {};
}

/** Merges `allOf` parts into one schema (properties and required lists are united). */
function merged(schema: Schema): Schema {
  const parts = Array.isArray(schema["allOf"]) ? schema["allOf"].filter(isSchema) : [];
  if (parts.length === 0) return schema;
  const out: Schema = { ...schema };
  delete out["allOf"];
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === "properties" && isSchema(value))
        out["properties"] = { ...(out["properties"] as Schema | undefined), ...value };
      else if (key === "required" && Array.isArray(value))
        out["required"] = [...((out["required"] as unknown[] | undefined) ?? []), ...value];
      else if (!(key in out)) out[key] = value;
    }
  }
  return out;
}

function typeOf(schema: Schema): string | undefined {
  const type = schema["type"];
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((t) => t !== "null") ?? "null";
  if (isSchema(schema["properties"])) return "object";
  if (schema["items"] !== undefined) return "array";
  return undefined;
}

/** A value matching `schema`, about `ctx.topic`; `name` is the property it is for. */
export function sampleJson(schema: unknown, ctx: JsonContext, name = "value", depth = 0): unknown {
  if (schema === true || schema === undefined) return stringFor(name, {}, ctx, 0);
  if (!isSchema(schema)) return null;
  const s = merged(resolveRef(schema, ctx.root));
  const h = hashText(`${name}:${depth}`, ctx.seed);
  if ("const" in s) return s["const"];
  if (Array.isArray(s["enum"]) && s["enum"].length > 0) return s["enum"][h % s["enum"].length];
  if ("default" in s && s["default"] !== undefined) return s["default"];
  const options = s["anyOf"] ?? s["oneOf"];
  if (Array.isArray(options) && options.length > 0) {
    const choice =
      options.find((o) => isSchema(o) && o["type"] !== "null") ?? (options[0] as unknown);
    return sampleJson(choice, ctx, name, depth);
  }
  switch (typeOf(s)) {
    case "object":
      return objectFor(s, ctx, depth);
    case "array":
      return arrayFor(s, ctx, name, depth);
    case "integer":
      return integerFor(s, name, h);
    case "number":
      return numberFor(s, name, h);
    case "boolean":
      return h % 3 !== 0;
    case "null":
      return null;
    default:
      return stringFor(name, s, ctx, h);
  }
}

function objectFor(s: Schema, ctx: JsonContext, depth: number): Record<string, unknown> {
  const properties = isSchema(s["properties"]) ? s["properties"] : {};
  const required = new Set(Array.isArray(s["required"]) ? (s["required"] as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(properties)) {
    // Deep optional branches are left out, so that recursive schemas end.
    if (depth >= MAX_DEPTH && !required.has(key)) continue;
    out[key] = sampleJson(child, ctx, key, depth + 1);
  }
  for (const key of required) {
    if (!(key in out)) out[key] = stringFor(key, {}, ctx, 0);
  }
  return out;
}

function arrayFor(s: Schema, ctx: JsonContext, name: string, depth: number): unknown[] {
  const min = typeof s["minItems"] === "number" ? s["minItems"] : 0;
  const max = typeof s["maxItems"] === "number" ? s["maxItems"] : Number.POSITIVE_INFINITY;
  const count = depth >= MAX_DEPTH ? min : Math.min(max, Math.max(min, 3));
  const prefix = Array.isArray(s["prefixItems"]) ? (s["prefixItems"] as unknown[]) : [];
  const item = singular(name);
  return Array.from({ length: count }, (_, index) =>
    sampleJson(prefix[index] ?? s["items"], ctx, `${item}#${index + 1}`, depth + 1),
  );
}

function bounds(s: Schema, fallback: [number, number]): [number, number] {
  const num = (key: string): number | undefined =>
    typeof s[key] === "number" ? s[key] : undefined;
  const exMin = num("exclusiveMinimum");
  const exMax = num("exclusiveMaximum");
  const min = num("minimum") ?? (exMin === undefined ? undefined : exMin + 1e-6);
  const max = num("maximum") ?? (exMax === undefined ? undefined : exMax - 1e-6);
  const lo = min ?? (max === undefined ? fallback[0] : Math.min(fallback[0], max));
  const hi = max ?? Math.max(lo, fallback[1]);
  return [lo, Math.max(lo, hi)];
}

function integerFor(s: Schema, name: string, h: number): number {
  const base = baseName(name);
  const fallback: [number, number] = /year/.test(base)
    ? [2020, 2026]
    : /rating|score|rank|priority/.test(base)
      ? [1, 5]
      : [1, 12];
  const [lo, hi] = bounds(s, fallback);
  const from = Math.ceil(lo);
  const to = Math.floor(hi);
  if (to < from) return from;
  const value = from + (h % (to - from + 1));
  const step = typeof s["multipleOf"] === "number" ? s["multipleOf"] : 1;
  return step > 1 ? Math.min(to, Math.ceil(value / step) * step) : value;
}

function numberFor(s: Schema, name: string, h: number): number {
  const base = baseName(name);
  const fallback: [number, number] = /confidence|probability|ratio|share|weight/.test(base)
    ? [0, 1]
    : /score|rating/.test(base)
      ? [1, 5]
      : [1, 100];
  const [lo, hi] = bounds(s, fallback);
  return Math.round((lo + ((h % 1000) / 1000) * (hi - lo)) * 100) / 100;
}

/** `title` of `items#2` is `item`; words of a camelCase or snake_case key, lowercase. */
function baseName(name: string): string {
  return name
    .replace(/#\d+$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
}

function singular(name: string): string {
  const base = name.replace(/#\d+$/, "");
  return base.endsWith("ies")
    ? `${base.slice(0, -3)}y`
    : base.endsWith("s") && !base.endsWith("ss")
      ? base.slice(0, -1)
      : base;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "item"
  );
}

function stringFor(name: string, s: Schema, ctx: JsonContext, h: number): string {
  const base = baseName(name);
  const index = /#(\d+)$/.exec(name)?.[1];
  const nth = index === undefined ? "" : ` ${index}`;
  const topic = ctx.topic;
  const format = typeof s["format"] === "string" ? s["format"] : "";
  let value: string;
  if (format === "date" || /\bdate\b/.test(base)) value = `2026-0${1 + (h % 9)}-1${h % 10}`;
  else if (format === "date-time") value = `2026-0${1 + (h % 9)}-1${h % 10}T09:00:00Z`;
  else if (format === "email" || /e ?mail/.test(base)) value = `analyst${nth.trim()}@example.com`;
  else if (format === "uri" || format === "url" || /\b(url|link|source|href|website)\b/.test(base))
    value = `https://example.com/${slug(topic)}${index === undefined ? "" : `/${index}`}`;
  else if (format === "uuid" || /\buuid\b/.test(base))
    value = `00000000-0000-4000-8000-${String(h % 1e12).padStart(12, "0")}`;
  else if (/\b(id|key|slug)\b/.test(base)) value = `${slug(topic)}-${index ?? 1}`;
  else if (/\b(author|name|person|owner)\b/.test(base))
    value = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson"][h % 4] ?? "Ada";
  else if (/\b(title|heading|headline|topic|subject)\b/.test(base))
    value = `${capitalize(topic)}${nth === "" ? ": an overview" : `, part${nth}`}`;
  else if (
    /\b(summary|description|abstract|body|content|text|explanation|details?|reason)\b/.test(base)
  )
    value = `A short, sourced account of ${topic}${nth === "" ? "" : ` (point${nth})`}, written for a general reader.`;
  else if (
    /\b(finding|claim|statement|insight|point|takeaway|fact|trend|recommendation|tip)\b/.test(base)
  )
    value = `${capitalize(topic)} matters most where it saves people time${nth === "" ? "" : ` (${base}${nth})`}.`;
  else if (/\b(tag|keyword|category|label)\b/.test(base))
    value = ["overview", "trends", "risks", "adoption", "costs"][h % 5] ?? "overview";
  else value = `${capitalize(base || "value")}${nth} about ${topic}`;
  return fitLength(value, s);
}

function fitLength(value: string, s: Schema): string {
  const min = typeof s["minLength"] === "number" ? s["minLength"] : 0;
  const max = typeof s["maxLength"] === "number" ? s["maxLength"] : Number.POSITIVE_INFINITY;
  let out = value;
  while (out.length < min) out += ` ${value}`;
  return out.slice(0, Math.max(min, Math.min(max, out.length)));
}

/** Splits JSON text into stream tokens (punctuation, quotes and short runs); joined, they equal it. */
export function tokenizeJson(text: string): string[] {
  return text.match(/\s+|[{}[\],:"]|[^\s{}[\],:"]{1,6}/g) ?? [];
}

/**
 * The offline verdict of a guardrail check: the first attempt is sent back once with concrete
 * feedback and later attempts pass, so that a crew with a guardrail shows a retry with no key.
 */
export function guardrailVerdict(
  requirement: string,
  attempt: number,
): { ok: boolean; feedback: string } {
  return attempt <= 1
    ? {
        ok: false,
        feedback: `(offline model) Checked against "${requirement}": the first draft is sent back once so you can see a retry. Be more specific and make sure every point meets the requirement.`,
      }
    : { ok: true, feedback: `(offline model) Meets "${requirement}".` };
}
