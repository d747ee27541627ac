/**
 * A task's output schema in one form the engine can use: the JSON Schema sent to the model
 * (and read by the offline model), and a validator that names the failing path. A schema may
 * be given as JSON Schema (YAML `output_schema`, a `.json` file) or as a zod schema in code.
 */
import { z } from "zod";
import type { OutputSchema } from "./types.js";

/** One reason a value does not match its schema. */
export interface OutputIssue {
  /** Dotted path of the failing value (`items.2.title`), `(root)` for the value itself. */
  path: string;
  message: string;
}

/** The result of {@link OutputShape.validate}. */
export type OutputCheck = { ok: true; value: unknown } | { ok: false; issues: OutputIssue[] };

/** A task's output schema, ready for the model and for validation. */
export interface OutputShape {
  /** The JSON Schema of the output. */
  jsonSchema: Record<string, unknown>;
  /** Checks a parsed value; answers the value zod produced (defaults filled in). */
  validate(value: unknown): OutputCheck;
}

function isZod(schema: OutputSchema): schema is z.ZodType {
  return typeof (schema as { safeParse?: unknown }).safeParse === "function" && "_zod" in schema;
}

/**
 * Builds the shape of `schema`. Throws an Error whose message says what is wrong when a JSON
 * Schema cannot be understood (callers turn it into a located crew problem).
 */
export function outputShape(schema: OutputSchema): OutputShape {
  const zod = isZod(schema) ? schema : z.fromJSONSchema(schema);
  const jsonSchema = isZod(schema)
    ? (z.toJSONSchema(schema, { unrepresentable: "any" }) as Record<string, unknown>)
    : schema;
  return {
    jsonSchema,
    validate(value) {
      const parsed = zod.safeParse(value);
      if (parsed.success) return { ok: true, value: parsed.data };
      return {
        ok: false,
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.length === 0 ? "(root)" : issue.path.map(String).join("."),
          message: issue.message,
        })),
      };
    },
  };
}

/** `items.2.title: expected string, received number; ...`: issues as one line each. */
export function formatOutputIssues(issues: readonly OutputIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join("\n");
}

/**
 * Checks a parsed JSON text against `shape`: not JSON at all is reported as an issue at the
 * root, so that the model gets one kind of feedback for both.
 */
export function checkOutputText(shape: OutputShape, text: string): OutputCheck {
  let value: unknown;
  try {
    value = JSON.parse(stripFences(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ path: "(root)", message: `not valid JSON (${reason})` }] };
  }
  return shape.validate(value);
}

/** Models sometimes wrap JSON in a markdown code fence; the fence is not part of the value. */
function stripFences(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced?.[1] ?? text;
}
