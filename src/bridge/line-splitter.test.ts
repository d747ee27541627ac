import { describe, expect, it } from "vitest";
import { LineSplitter, TRUNCATION_MARKER, readLines } from "./line-splitter.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Feeds the chunks one by one and returns every line, including those of `end()`. */
function split(chunks: (Uint8Array | string)[], maxLineLength?: number): string[] {
  const splitter = new LineSplitter(maxLineLength === undefined ? {} : { maxLineLength });
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
}

describe("LineSplitter", () => {
  it("joins a UTF-8 sequence split across chunks", () => {
    const euro = bytes("price: 5€ ok\n"); // € is 3 bytes
    const cut = euro.indexOf(0xe2) + 1;
    expect(split([euro.slice(0, cut), euro.slice(cut, cut + 1), euro.slice(cut + 1)])).toEqual([
      "price: 5€ ok",
    ]);
  });

  it("ends lines at LF and CRLF, also when CR and LF arrive in different chunks", () => {
    expect(split([bytes("one\r\ntwo\nthree\r"), bytes("\nfour\n")])).toEqual([
      "one",
      "two",
      "three",
      "four",
    ]);
  });

  it("keeps a CR that is not followed by LF", () => {
    expect(split([bytes("progress 50%\r"), bytes("done\n")])).toEqual(["progress 50%\rdone"]);
    expect(split([bytes("bare\r")])).toEqual(["bare\r"]);
  });

  it("answers a last line without newline at the end, and nothing for empty input", () => {
    expect(split([bytes("a\nb")])).toEqual(["a", "b"]);
    expect(split([])).toEqual([]);
    expect(split([bytes("a\n")])).toEqual(["a"]);
  });

  it("keeps empty lines between newlines", () => {
    expect(split([bytes("a\n\n\nb\n")])).toEqual(["a", "", "", "b"]);
  });

  it("replaces invalid UTF-8 instead of failing", () => {
    expect(split([new Uint8Array([0x61, 0xff, 0x62, 0x0a, 0xc3])])).toEqual(["a\uFFFDb", "\uFFFD"]);
  });

  it("cuts lines longer than the limit and says how much was dropped, across chunks", () => {
    const lines = split(["abcdef", "ghij\nshort\n"], 4);
    expect(lines).toEqual([
      `abcd${TRUNCATION_MARKER}6 chars]`,
      "shor" + `${TRUNCATION_MARKER}1 chars]`,
    ]);
  });

  it("reads lines from an async byte source", async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      yield bytes("first li");
      yield bytes("ne\r\nsecond");
    }
    const lines: string[] = [];
    for await (const line of readLines(source())) lines.push(line);
    expect(lines).toEqual(["first line", "second"]);
  });
});
