import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchUrlTool } from "./fetch-url.js";
import { htmlToText } from "./html-to-text.js";
import { isPrivateAddress } from "./private-address.js";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/page") {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(
        "<html><head><style>p{}</style></head><body><h1>Tides</h1><p>Moon &amp; sun.</p><script>alert(1)</script></body></html>",
      );
    } else if (req.url === "/redirect") {
      res.writeHead(302, { location: "/page" }).end();
    } else if (req.url === "/large") {
      res.setHeader("content-type", "text/plain");
      res.end("y".repeat(4096));
    } else if (req.url === "/image") {
      res.setHeader("content-type", "image/png");
      res.end(Buffer.from([1, 2, 3]));
    } else if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 2_000);
    } else {
      res.writeHead(404).end("nope");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function fetchUrl(
  url: string,
  options: Parameters<typeof createFetchUrlTool>[0] = { allowPrivateUrls: true },
): Promise<string> {
  const tool = createFetchUrlTool({ maxBytes: 1024, ...options });
  return (await tool.execute?.({ url }, { toolCallId: "1", messages: [] })) as string;
}

describe("fetch_url", () => {
  it("fetches a local page as text when private URLs are allowed", async () => {
    await expect(fetchUrl(`${base}/page`)).resolves.toBe("Tides\nMoon & sun.");
    await expect(fetchUrl(`${base}/redirect`)).resolves.toBe("Tides\nMoon & sun.");
  });

  it("refuses loopback, private and link-local addresses by default", async () => {
    await expect(fetchUrl(`${base}/page`, {})).rejects.toThrow(/private/);
    await expect(fetchUrl("http://localhost:9/page", {})).rejects.toThrow(/private address/);
    await expect(fetchUrl("http://169.254.169.254/latest/meta-data", {})).rejects.toThrow(
      /private/,
    );
    await expect(fetchUrl("http://[::1]:9/", {})).rejects.toThrow(/private/);
    await expect(fetchUrl("http://10.1.2.3/", {})).rejects.toThrow(/private/);
  });

  it("refuses other schemes, non-text bodies and error statuses, and cuts large bodies", async () => {
    await expect(fetchUrl("file:///etc/passwd")).rejects.toThrow(/only fetches http and https/);
    await expect(fetchUrl("not a url")).rejects.toThrow(/absolute http/);
    await expect(fetchUrl(`${base}/image`)).rejects.toThrow(/image\/png, not text/);
    await expect(fetchUrl(`${base}/missing`)).rejects.toThrow(/HTTP 404/);
    const large = await fetchUrl(`${base}/large`);
    expect(large).toMatch(/^y{1024}\n\[truncated at 1024 bytes\]$/);
  });

  it("gives up after its timeout", async () => {
    await expect(
      fetchUrl(`${base}/slow`, { allowPrivateUrls: true, timeoutMs: 100 }),
    ).rejects.toThrow(/did not answer within 0.1 s/);
  });
});

describe("isPrivateAddress", () => {
  it("classifies addresses", () => {
    for (const ip of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
      "100.64.0.1",
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:808:808"])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("refuses IPv6 forms that lead back to IPv4 or to site-local networks", async () => {
    for (const ip of [
      "::7f00:1",
      "::127.0.0.1",
      "::ffff:7f00:1",
      "64:ff9b::7f00:1",
      "64:ff9b::8.8.8.8",
      "64:ff9b:1::a00:1",
      "2002:7f00:1::",
      "2001:0:4136:e378::1",
      "fec0::1",
      "feff::1",
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
      await expect(fetchUrl(`http://[${ip}]:9/`, {}), ip).rejects.toThrow(/private/);
    }
  });
});

describe("htmlToText", () => {
  it("drops tags, scripts and styles and decodes entities", () => {
    expect(htmlToText("<p>a&lt;b &#65;&#x42;</p><style>x</style><br>c")).toBe("a<b AB\n\nc");
    expect(htmlToText("a < b <!-- x --> <SCRIPT src=x>y</script >c<br/>d")).toBe("a < b c\nd");
    expect(htmlToText("<p>kept</p><!-- never closed <p>gone</p>")).toBe("kept");
  });

  // Hostile pages that made the old regular expressions backtrack for seconds to a minute.
  const adversarial: Array<[string, string]> = [
    ["unclosed script tags", "<script ".repeat(64 * 1024)],
    ["unclosed comments", "<!--".repeat(32 * 1024)],
    ["unclosed tags", "<a".repeat(256 * 1024)],
    ["a script never closed", `<script>${"</script".repeat(64 * 1024)}`],
    ["tags closed only at the end", `${"<div ".repeat(100 * 1024)}>`],
    ["entity-like text", `&${"a".repeat(512 * 1024)}`],
    ["ampersands", "&#".repeat(256 * 1024)],
    ["blank space", `${" \t".repeat(256 * 1024)}x${" \n ".repeat(128 * 1024)}`],
  ];
  it.each(adversarial)("converts %s in linear time", (_name, html) => {
    const started = performance.now();
    htmlToText(html);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it("keeps the event loop free while fetch_url converts a hostile page", async () => {
    const hostile = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end("<script ".repeat(60 * 1024));
    });
    await new Promise<void>((resolve) => hostile.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/`;
    let last = performance.now();
    let worstGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    try {
      await expect(fetchUrl(url, { allowPrivateUrls: true, maxBytes: 512 * 1024 })).resolves.toBe(
        "",
      );
    } finally {
      clearInterval(ticker);
      hostile.closeAllConnections();
      await new Promise((resolve) => hostile.close(resolve));
    }
    expect(worstGap).toBeLessThan(250);
  });
});
