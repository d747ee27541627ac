/** Text with its `{placeholders}` shown as input slots, for a crew that has not run yet. */
import { Fragment } from "react";

/** CrewAI's placeholder: `{identifier}`, not a doubled `{{brace}}`. */
const PLACEHOLDER = /(?<!\{)\{([A-Za-z_][A-Za-z0-9_-]*)\}(?!\})/g;

export function InputSlots({ text }: { text: string }) {
  const parts: Array<string | { slot: string }> = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ slot: match[1] ?? "" });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <>
      {parts.map((part, index) =>
        typeof part === "string" ? (
          <Fragment key={index}>{part}</Fragment>
        ) : (
          <span key={index} className="input-slot" title={`Filled with your ${part.slot}`}>
            {part.slot}
          </span>
        ),
      )}
    </>
  );
}
