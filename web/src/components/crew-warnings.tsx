/** The warnings of a crew's files: keys accepted without effect, or unknown ("did you mean"). */
import type { CrewWarningInfo } from "../../../src/client/index.js";

export function CrewWarnings({ warnings }: { warnings: CrewWarningInfo[] | undefined }) {
  if (warnings === undefined || warnings.length === 0) return null;
  return (
    <details className="crew-warnings" data-testid="crew-warnings">
      <summary>
        {warnings.length === 1 ? "1 warning" : `${warnings.length} warnings`} in this crew's files
      </summary>
      <ul>
        {warnings.map((warning, index) => (
          <li key={index}>
            <code>
              {warning.file ?? ""}
              {warning.line === undefined ? "" : `:${warning.line}`} {warning.key}
            </code>{" "}
            {warning.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
