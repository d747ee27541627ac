/** The answer text part, rendered as sanitized markdown under a "Result" heading. */
import type { TextMessagePartProps } from "@assistant-ui/react";
import { MarkdownView } from "./markdown-view.js";

export function MarkdownText({ text, status }: TextMessagePartProps) {
  const streaming = status.type === "running";
  return (
    <section className="result" aria-label="Result" data-streaming={streaming ? "true" : "false"}>
      <h3 className="result-title">{streaming ? "Writing the answer…" : "Result"}</h3>
      <MarkdownView text={text} />
    </section>
  );
}
