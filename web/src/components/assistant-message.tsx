/** The crew's reply: the live timeline (data part), then the result as markdown (text part). */
import { ErrorPrimitive, MessagePrimitive } from "@assistant-ui/react";
import { CREW_PROGRESS_PART } from "../../../src/react/index.js";
import { CrewProgressView } from "./crew-progress-view.js";
import { MarkdownText } from "./markdown-text.js";

const PART_COMPONENTS = {
  Text: MarkdownText,
  data: { by_name: { [CREW_PROGRESS_PART]: CrewProgressView } },
};

export function AssistantMessage() {
  return (
    <MessagePrimitive.Root className="message message-assistant">
      <MessagePrimitive.Parts components={PART_COMPONENTS} />
      <MessagePrimitive.Error>
        <ErrorPrimitive.Root className="banner banner-error" role="alert">
          <ErrorPrimitive.Message />
        </ErrorPrimitive.Root>
      </MessagePrimitive.Error>
    </MessagePrimitive.Root>
  );
}
