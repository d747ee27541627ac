/**
 * The web UI: static files from the built UI folder at `/`, with the single-page-app fallback
 * to `index.html`. Paths never leave the folder. Without a built UI, `/` explains how to build it.
 */
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { Hono } from "hono";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

const MISSING_UI_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crewstream</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>crewstream</h1>
<p>The server is running, but the web UI has not been built.</p>
<p>Build it with <code>npm run build:web</code> (or <code>npx vite build web</code>), then reload this page.
The HTTP API is available under <code>/api</code>, e.g. <a href="/api/health">/api/health</a>.</p>
</body></html>`;

async function readFileUnder(
  root: string,
  urlPath: string,
): Promise<{ body: Buffer; type: string } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    return {
      body: await readFile(file),
      type: CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    };
  } catch {
    // Missing or unreadable files fall through to the SPA fallback.
    return undefined;
  }
}

/** Routes serving the web UI from `webRoot` (an absolute or cwd-relative folder). */
export function webUiRoutes(webRoot: string): Hono {
  const root = resolve(webRoot);
  return new Hono().get("*", async (c) => {
    const path = c.req.path;
    const asset = path === "/" ? undefined : await readFileUnder(root, path);
    if (asset) {
      const immutable = path.startsWith("/assets/");
      return c.body(new Uint8Array(asset.body), 200, {
        "content-type": asset.type,
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
      });
    }
    const index = await readFileUnder(root, "/index.html");
    if (!index) return c.html(MISSING_UI_PAGE, 200);
    return c.body(new Uint8Array(index.body), 200, {
      "content-type": index.type,
      "cache-control": "no-cache",
    });
  });
}
