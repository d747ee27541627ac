/** The conversation: messages in a scrolling viewport, the composer at the bottom. */
import { ThreadPrimitive } from "@assistant-ui/react";
import type { CrewListing } from "../../../src/client/index.js";
import { AssistantMessage } from "./assistant-message.js";
import { ComposerBar } from "./composer-bar.js";
import { UserMessage } from "./user-message.js";
import { WelcomePanel } from "./welcome-panel.js";

export interface ChatThreadProps {
  crew?: CrewListing;
  extraInputs: Record<string, string>;
  onExtraInputsChange: (inputs: Record<string, string>) => void;
}

export function ChatThread({ crew, extraInputs, onExtraInputsChange }: ChatThreadProps) {
  return (
    <ThreadPrimitive.Root className="thread">
      <ThreadPrimitive.Viewport className="thread-viewport">
        <ThreadPrimitive.Empty>
          <WelcomePanel {...(crew ? { crew } : {})} />
        </ThreadPrimitive.Empty>
        <ThreadPrimitive.Messages components={{ UserMessage, AssistantMessage }} />
        <div className="thread-spacer" />
      </ThreadPrimitive.Viewport>
      <ComposerBar
        {...(crew ? { crew } : {})}
        extraInputs={extraInputs}
        onExtraInputsChange={onExtraInputsChange}
      />
    </ThreadPrimitive.Root>
  );
}
