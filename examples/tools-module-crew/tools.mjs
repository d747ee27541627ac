// Tools of this crew, made with the AI SDK's tool(): each named export is a tool agents can
// list in `tools:` (see agents.yaml). crewstream loads this file with the crew.
import { tool } from "ai";
import { z } from "zod";

const FACTORS = { km: 1000, m: 1, mi: 1609.344, ft: 0.3048 };

export const convert_length = tool({
  description: "Convert a length between km, m, mi and ft.",
  inputSchema: z.object({
    value: z.number().describe("The length to convert"),
    from: z.enum(["km", "m", "mi", "ft"]),
    to: z.enum(["km", "m", "mi", "ft"]),
  }),
  execute: async ({ value, from, to }) => {
    const result = (value * FACTORS[from]) / FACTORS[to];
    return `${value} ${from} = ${Number(result.toPrecision(6))} ${to}`;
  },
});

export const word_count = tool({
  description: "Count the words of a text.",
  inputSchema: z.object({ text: z.string() }),
  execute: async ({ text }) => `${text.split(/\s+/).filter(Boolean).length} words`,
});
