/** Small helpers for tests that consume streams. */

/** Reads an async iterable (an event stream, a text stream) to the end and returns its items. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Reads items until `predicate` holds for one (included), then stops pulling, which ends the producer. */
export async function collectUntil<T>(
  iterable: AsyncIterable<T>,
  predicate: (item: T) => boolean,
): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
    if (predicate(item)) break;
  }
  return items;
}
