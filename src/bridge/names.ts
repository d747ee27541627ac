/**
 * Text helpers for matching a process crew's progress lines (roles and first lines of task
 * descriptions, as CrewAI prints them) to agent and task keys.
 */

/** Case- and whitespace-insensitive form used to compare roles and task lines. */
export function normalize(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

/**
 * A key in CrewAI's style (`senior_research_analyst`) made from free text, unique among
 * `taken` (a `_2`, `_3`... suffix is added when needed). Always matches `^[a-z_][a-z0-9_]*$`.
 */
export function slugKey(text: string, fallback: string, taken: ReadonlySet<string>): string {
  let base = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 48)
    .replace(/_+$/, "");
  if (base === "") base = fallback;
  if (/^[0-9]/.test(base)) base = `${fallback}_${base}`;
  let key = base;
  for (let n = 2; taken.has(key); n += 1) key = `${base}_${n}`;
  return key;
}
