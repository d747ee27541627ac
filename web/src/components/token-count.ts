/** "1,234 tokens"; "~230 tokens" for an estimate; "tokens unknown" when nothing was reported. */
import { totalTokens, type TokenCount } from "../../../src/client/index.js";

export function tokenCount(count: TokenCount, unit = "tokens"): string | undefined {
  const total = totalTokens(count.usage);
  if (total === 0) return count.estimated ? `${unit} unknown` : undefined;
  return `${count.estimated ? "~" : ""}${total.toLocaleString("en-US")} ${unit}`;
}
