/** The message box with the crew's other inputs, Send and Stop (which cancels the run on the server). */
import { ComposerPrimitive, useAuiState } from "@assistant-ui/react";
import type { CrewListing } from "../../../src/client/index.js";
import { mainInput } from "../hooks/use-crews.js";
import { InputsForm } from "./inputs-form.js";

export interface ComposerBarProps {
  crew?: CrewListing;
  extraInputs: Record<string, string>;
  onExtraInputsChange: (inputs: Record<string, string>) => void;
}

export function ComposerBar({ crew, extraInputs, onExtraInputsChange }: ComposerBarProps) {
  const isRunning = useAuiState((s) => s.thread.isRunning);
  const main = mainInput(crew);
  const extras = (crew?.inputs ?? []).filter((name) => name !== main);
  return (
    <div className="composer-wrap">
      <ComposerPrimitive.Root className="composer">
        {extras.length > 0 && (
          <InputsForm names={extras} values={extraInputs} onChange={onExtraInputsChange} />
        )}
        <div className="composer-row">
          <ComposerPrimitive.Input
            className="composer-input"
            placeholder={`Enter a ${main}…`}
            aria-label={main}
            rows={1}
            autoFocus
          />
          {isRunning ? (
            <ComposerPrimitive.Cancel className="button button-stop" aria-label="Stop the run">
              ■ Stop
            </ComposerPrimitive.Cancel>
          ) : (
            <ComposerPrimitive.Send className="button button-primary" aria-label="Run the crew">
              Run ↵
            </ComposerPrimitive.Send>
          )}
        </div>
      </ComposerPrimitive.Root>
      <p className="composer-hint">
        {crew
          ? `${crew.name}${crew.default ? " (default)" : ""}: ${crew.agents.length} agents, ${crew.tasks.length} tasks, ${crew.process}`
          : "No crew loaded yet"}{" "}
        · Enter to run · Shift+Enter for a new line
      </p>
    </div>
  );
}
