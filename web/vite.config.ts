import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

// The chat UI: built into web/dist, which `crewstream serve` serves at `/`.
// In development, `/api` is proxied to a server on CREWSTREAM_DEV_API (default port 3000).
export default defineConfig({
  root: webRoot,
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      "/api": {
        target: process.env.CREWSTREAM_DEV_API ?? "http://127.0.0.1:3000",
        ws: true,
        // The server answers only for its own loopback Host: send the target's.
        changeOrigin: true,
      },
    },
  },
});
