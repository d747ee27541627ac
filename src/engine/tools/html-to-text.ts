/**
 * Rough HTML to text for `fetch_url`: enough for a model to read a page, not a renderer.
 *
 * Contract: one forward scan, linear in the input whatever it holds. A fetched page is hostile
 * input and this runs on the event loop, so nothing here may backtrack: every search either
 * finds its target and moves past it, or fails and ends the scan (an unclosed comment, tag or
 * script swallows the rest of the page, as a browser would).
 */

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** Elements whose content is not text for a reader. */
const SKIPPED = new Set(["script", "style", "noscript", "svg", "head"]);
/** `<br>` and the ends of these elements break the line. */
const LINE_BREAKS = new Set(["br"]);
const BLOCK_ENDS = new Set([
  "p",
  "div",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "li",
  "tr",
  "section",
  "article",
]);

/** Bounded lengths: a run of letters after `&` is looked at once, never re-scanned. */
const ENTITY = /&(#x[0-9a-f]{1,8}|#\d{1,8}|[a-z][a-z0-9]{0,31});/gi;
const TAG_NAME = /[a-z][a-z0-9-]*/iy;

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (entity: string, name: string) => {
    if (name.startsWith("#")) {
      const code = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/** Index just past the `</name ...>` closing the element, or -1 when it is never closed. */
function skipElement(html: string, name: string, from: number): number {
  // `\s*` and not `[^>]*`: a failed attempt then stops at once instead of running on to the
  // next ">", which would make many unclosed `</script` quadratic.
  const closing = new RegExp(`</${name}\\s*>`, "gi");
  closing.lastIndex = from;
  const match = closing.exec(html);
  return match ? match.index + match[0].length : -1;
}

/** Collapses runs of blank space, keeps at most one empty line, trims. Each pattern is linear. */
function tidy(text: string): string {
  return text
    .replace(/[ \t\f\v\r]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Drops comments, scripts, styles and tags, decodes common entities and collapses blank space. */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt === -1) {
      out.push(decodeEntities(html.slice(i)));
      break;
    }
    if (lt > i) out.push(decodeEntities(html.slice(i, lt)));
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      if (end === -1) break;
      i = end + 3;
      continue;
    }
    const next = html.charCodeAt(lt + 1);
    const isClose = next === 0x2f; /* "/" */
    const isMarkup = next === 0x21 || next === 0x3f; /* "!" or "?": doctype, CDATA, PI */
    TAG_NAME.lastIndex = lt + (isClose ? 2 : 1);
    const name = isMarkup ? "" : TAG_NAME.exec(html)?.[0].toLowerCase();
    if (name === undefined) {
      // A "<" that starts no tag ("a < b") is text.
      out.push("<");
      i = lt + 1;
      continue;
    }
    const gt = html.indexOf(">", lt + 1);
    if (gt === -1) break;
    i = gt + 1;
    if (isClose) {
      if (BLOCK_ENDS.has(name)) out.push("\n");
    } else if (LINE_BREAKS.has(name)) {
      out.push("\n");
    } else if (SKIPPED.has(name) && html[gt - 1] !== "/") {
      const end = skipElement(html, name, i);
      if (end === -1) break;
      i = end;
    }
  }
  return tidy(out.join(""));
}
