/**
 * Turns a zod issue about a crew file into a message a person can act on ("must be a list,
 * got a string"), using the value actually found in the file.
 */
import type { z } from "zod";
import { describeType, didYouMean } from "./crew-problems.js";

/** The keys a zod object schema knows (empty for other schemas). */
export function shapeOf(schema: z.ZodType): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ?? {};
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** The message for `issue`, found while parsing `root`. */
export function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const value = valueAt(root, issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return "is required";
      if (value === null) return `is empty; give it ${EXPECTED[issue.expected] ?? issue.expected}`;
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeType(value)}`;
    case "invalid_union":
      return `must be a string, a number or true/false, got ${describeType(value)}`;
    case "invalid_value": {
      const allowed = issue.values.map(String);
      return `must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}${didYouMean(String(value), allowed)}`;
    }
    default:
      return issue.message;
  }
}
