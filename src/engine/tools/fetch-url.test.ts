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
    for (const ip of ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });
});

describe("htmlToText", () => {
  it("drops tags, scripts and styles and decodes entities", () => {
    expect(htmlToText("<p>a&lt;b &#65;&#x42;</p><style>x</style><br>c")).toBe("a<b AB\n\nc");
  });
});
