/** A crew's long-term memory as its runs see it: the store's memory bound to that crew. */
import type { LongTermMemory } from "../crew/index.js";
import type { LongTermMemoryStore } from "../store/index.js";

/** `store` bound to `crew`: what a run of that crew recalls from and saves to. */
export function memoryFor(store: LongTermMemoryStore, crew: string): LongTermMemory {
  return {
    recall: async (query, limit) =>
      (await store.search(crew, query, limit)).map(({ id, text }) => ({ id, text })),
    save: async (record) => {
      const { id, text } = await store.save(crew, record);
      return { id, text };
    },
  };
}
