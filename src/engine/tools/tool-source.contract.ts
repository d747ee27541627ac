/**
 * The contract every {@link ToolSource} keeps, as one suite run against each implementation
 * (the crew's tools, built-ins and CrewAI names, MCP servers): every name it lists resolves
 * to runnable tools, a reference it does not own is left to the next source, and closing it
 * twice is harmless.
 */
import { describe, expect, it } from "vitest";
import type { ToolSource } from "./tool-source.js";

/** How a test gets a fresh source, and a reference it certainly does not own. */
export interface ToolSourceFixture {
  open(): Promise<ToolSource>;
  /** A reference of the source and the tool name the model sees for it. */
  sample: { reference: string; name: string };
}

/** Registers the contract tests for one implementation. */
export function toolSourceContract(label: string, fixture: ToolSourceFixture): void {
  describe(`ToolSource contract: ${label}`, () => {
    it("resolves every name it lists to tools with an input schema and execute", async () => {
      const source = await fixture.open();
      try {
        const names = source.names();
        expect(names).toContain(fixture.sample.reference);
        for (const name of names) {
          const tools = source.lookup(name);
          expect(tools, name).toBeDefined();
          for (const tool of Object.values(tools ?? {})) {
            expect(tool.inputSchema, name).toBeDefined();
            expect(typeof tool.execute, name).toBe("function");
          }
        }
      } finally {
        await source.close?.();
      }
    });

    it("names a tool as the model will see it", async () => {
      const source = await fixture.open();
      try {
        expect(Object.keys(source.lookup(fixture.sample.reference) ?? {})).toEqual([
          fixture.sample.name,
        ]);
      } finally {
        await source.close?.();
      }
    });

    it("leaves references it does not own to other sources, and closes twice safely", async () => {
      const source = await fixture.open();
      expect(source.lookup("no_such_tool_anywhere")).toBeUndefined();
      expect(source.lookup("no-such-server/tool")).toBeUndefined();
      await source.close?.();
      await source.close?.();
    });
  });
}
