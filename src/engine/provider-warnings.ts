/** A provider's warnings about a model call, in words, for the events that carry them. */
import type { SharedV3Warning } from "@ai-sdk/provider";

/** A provider warning in words: the AI SDK's console wording, without its prefix. */
export function describeWarning(warning: SharedV3Warning): string {
  const details = (text: string | undefined): string => (text ? ` ${text}` : "");
  switch (warning.type) {
    case "unsupported":
      return `The feature "${warning.feature}" is not supported.${details(warning.details)}`;
    case "compatibility":
      return `The feature "${warning.feature}" is used in a compatibility mode.${details(warning.details)}`;
    default:
      return warning.message;
  }
}
