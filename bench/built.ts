/**
 * Loads a module of the built package (`dist/`, made by `npm run bench` before it starts), so
 * that a benchmark measures the JavaScript users run rather than sources compiled on the fly.
 * The type parameter is the matching source module's type.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = new URL("../dist/", import.meta.url);

export async function loadBuilt<T>(path: string): Promise<T> {
  const url = new URL(path, dist);
  if (!existsSync(fileURLToPath(url)))
    throw new Error(`${fileURLToPath(url)} is missing: build the package first (npm run build).`);
  return (await import(url.href)) as T;
}
