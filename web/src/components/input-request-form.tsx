/** Answers the run's human-input request inline. Empty answer accepts the draft as is. */
import { useState } from "react";
import type { InputProgress } from "../../../src/client/index.js";
import { useCrewClient } from "../client-context.js";
import { MarkdownView } from "./markdown-view.js";

export function InputRequestForm({ runId, request }: { runId: string; request: InputProgress }) {
  const client = useCrewClient();
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string>();
  const send = (answer: string): void => {
    setSending(true);
    setError(undefined);
    client
      .answer(runId, request.requestId, answer)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setSending(false));
  };
  return (
    <form
      className="input-request"
      aria-label="The crew asks for your input"
      onSubmit={(e) => {
        e.preventDefault();
        send(text);
      }}
    >
      <h3>The crew asks for your input</h3>
      <div className="input-request-prompt">
        <MarkdownView text={request.prompt} />
      </div>
      <textarea
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Your feedback (leave empty to accept as is)"
        aria-label="Your answer"
        rows={3}
      />
      {error && <p className="form-error">{error}</p>}
      <div className="input-request-actions">
        <button type="button" className="button" disabled={sending} onClick={() => send("")}>
          Accept as is
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={sending || text.trim() === ""}
        >
          Send answer
        </button>
      </div>
    </form>
  );
}
