/** Connection loss, rate-limit waits and run errors, each said plainly. */
import { activeRetry, type RunProgress } from "../../../src/client/index.js";
import type { ConnectionState } from "../../../src/react/index.js";
import { formatDuration } from "./elapsed-time.js";

const HINTS: Record<string, string> = {
  provider_auth:
    "The model provider rejected the API key. Check the key in the server's environment.",
  missing_api_key:
    "The model provider needs an API key. Set it in the server's environment, or use the offline model.",
  rate_limited: "The model provider kept rate-limiting the run. Try again later or lower max_rpm.",
  provider_error: "The model provider failed. Try again in a moment.",
  missing_input: "The crew needs more inputs: fill in the fields above the message box.",
  interrupted: "The server stopped while the run was going.",
};

export function RunNotices({
  progress,
  connection,
}: {
  progress: RunProgress;
  connection: ConnectionState;
}) {
  const retry = activeRetry(progress);
  return (
    <>
      {connection === "reconnecting" && (
        <div className="banner banner-warn" role="status">
          Connection lost. Reconnecting… the run goes on and nothing will be missed.
        </div>
      )}
      {retry && (
        <div className="banner banner-warn" role="status" data-testid="retry-notice">
          Waiting {formatDuration(retry.delayMs)} before trying again (attempt {retry.attempt}):{" "}
          {retry.reason}
        </div>
      )}
      {progress.status === "failed" && progress.error && (
        <div className="banner banner-error" role="alert" data-error-code={progress.error.code}>
          <strong>The run failed ({progress.error.code}).</strong> {progress.error.message}
          {HINTS[progress.error.code] && (
            <div className="banner-hint">{HINTS[progress.error.code]}</div>
          )}
        </div>
      )}
      {progress.status === "cancelled" && (
        <div className="banner banner-muted" role="status">
          The run was cancelled.
        </div>
      )}
    </>
  );
}
