import type { ReactNode } from "react";
import "./globals.css";

export const metadata = {
  title: "crewstream + Next.js",
  description: "Stream a crew of AI agents into a chat.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
