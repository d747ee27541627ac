/** The HTML the UI renders for a markdown text, to compare what a page shows with a run's events. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { MarkdownView } from "../../src/components/markdown-view.js";

/** The inner HTML of `.markdown` for `text`. */
export function renderedMarkdown(text: string): string {
  const html = renderToStaticMarkup(createElement(MarkdownView, { text }));
  return html.replace(/^<div class="markdown">/, "").replace(/<\/div>$/, "");
}
