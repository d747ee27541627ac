/** A tool call with its arguments and result, collapsed to one line until opened. */
import type { ToolCallProgress } from "../../../src/client/index.js";

const MAX_SHOWN = 2_000;

function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

export function ToolCallItem({ call }: { call: ToolCallProgress }) {
  return (
    <li className={`tool-call tool-${call.status}`} data-call-id={call.callId}>
      <details>
        <summary>
          <span className="tool-icon" aria-hidden="true">
            ⚙
          </span>
          <code>{call.tool}</code>
          <span className="tool-status">
            {call.status === "running" ? "running…" : call.status === "failed" ? "failed" : "done"}
          </span>
        </summary>
        <div className="tool-detail">
          <div className="tool-label">Arguments</div>
          <pre>{show(call.args)}</pre>
          {call.status !== "running" && (
            <>
              <div className="tool-label">{call.error ? "Error" : "Result"}</div>
              <pre>
                {call.error ? `${call.error.code}: ${call.error.message}` : show(call.result)}
              </pre>
            </>
          )}
        </div>
      </details>
    </li>
  );
}
