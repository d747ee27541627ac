/** The checks of a task's output (schema or guardrail), one line per attempt. */
import type { CheckProgress } from "../../../src/client/index.js";

export function TaskChecks({ checks, taskKey }: { checks: CheckProgress[]; taskKey: string }) {
  return (
    <ol className="task-checks" data-testid={`checks-${taskKey}`}>
      {checks.map((check, index) => (
        <li key={index} className={check.ok ? "check-ok" : "check-failed"}>
          <span aria-hidden="true">{check.ok ? "✔" : "✖"}</span> Attempt {check.attempt}{" "}
          {check.ok ? "passed" : "sent back"}
          {check.feedback && <span className="check-feedback">: {check.feedback}</span>}
        </li>
      ))}
    </ol>
  );
}
