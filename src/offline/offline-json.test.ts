import { describe, expect, it } from "vitest";
import { z } from "zod";
import { outputShape } from "../crew/index.js";
import { sampleJson, tokenizeJson } from "./offline-json.js";

const schemas: Record<string, Record<string, unknown>> = {
  "nested records with bounds and formats": {
    type: "object",
    properties: {
      title: { type: "string", minLength: 5, maxLength: 40 },
      published: { type: "string", format: "date" },
      contact: { type: "string", format: "email" },
      items: {
        type: "array",
        minItems: 2,
        maxItems: 2,
        items: {
          type: "object",
          properties: {
            score: { type: "integer", minimum: 1, maximum: 5 },
            weight: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
            done: { type: "boolean" },
            url: { type: "string", format: "uri" },
          },
          required: ["score", "weight", "done", "url"],
          additionalProperties: false,
        },
      },
    },
    required: ["title", "published", "contact", "items"],
    additionalProperties: false,
  },
  "refs, unions, nullable types and allOf": {
    $defs: { tag: { type: "string", enum: ["a", "b", "c"] } },
    allOf: [
      { type: "object", properties: { tags: { type: "array", items: { $ref: "#/$defs/tag" } } } },
      { properties: { note: { type: ["string", "null"] } }, required: ["note"] },
    ],
    properties: {
      value: { anyOf: [{ type: "null" }, { type: "integer", multipleOf: 5, minimum: 7 }] },
      kind: { const: "report" },
    },
    required: ["value", "kind", "tags"],
  },
  "a zod schema's JSON Schema": z.toJSONSchema(
    z.object({
      headline: z.string().min(3),
      points: z.array(z.object({ text: z.string(), votes: z.number().int().nonnegative() })).min(1),
      status: z.enum(["draft", "final"]),
    }),
  ),
};

describe("offline structured answers", () => {
  it.each(Object.entries(schemas))(
    "answers valid values for %s, deterministically",
    (_, schema) => {
      const value = sampleJson(schema, { topic: "tidal power", seed: 0, root: schema });
      expect(outputShape(schema).validate(value)).toMatchObject({ ok: true });
      expect(sampleJson(schema, { topic: "tidal power", seed: 0, root: schema })).toEqual(value);
    },
  );

  it("gives plausible values: titles about the topic, addresses and links", () => {
    const schema = schemas["nested records with bounds and formats"] ?? {};
    const value = sampleJson(schema, { topic: "tidal power", seed: 0, root: schema }) as {
      title: string;
      contact: string;
      items: Array<{ url: string }>;
    };
    expect(value.title).toMatch(/tidal power/i);
    expect(value.contact).toMatch(/^[^@\s]+@[^@\s]+\.\w+$/);
    expect(value.items[0]?.url).toMatch(/^https:\/\//);
  });

  it("streams JSON in small tokens that join back to the text", () => {
    const text = JSON.stringify({ a: [1, "two words"], b: { c: null } }, null, 2);
    const tokens = tokenizeJson(text);
    expect(tokens.join("")).toBe(text);
    expect(tokens.length).toBeGreaterThan(10);
  });
});
