/**
 * A task's structured output as something to read: an array of objects as a table, an object
 * as labelled rows (nested values indented), and the raw JSON on demand. Re-renders as partial
 * objects stream in, so the shape fills in live.
 */
import { memo } from "react";

const MAX_DEPTH = 6;

function label(key: string): string {
  return key.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function Scalar({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="sv-null">—</span>;
  if (typeof value === "string" && /^https?:\/\//.test(value))
    return (
      <a href={value} target="_blank" rel="noreferrer noopener">
        {value}
      </a>
    );
  const text =
    typeof value === "string"
      ? value
      : typeof value === "number" || typeof value === "boolean"
        ? value.toString()
        : JSON.stringify(value);
  return <span className={`sv-${typeof value}`}>{text}</span>;
}

function Value({ value, depth }: { value: unknown; depth: number }) {
  if (depth > MAX_DEPTH) return <code>{JSON.stringify(value)}</code>;
  if (Array.isArray(value)) {
    const rows = value.filter(isRecord);
    if (rows.length > 0 && rows.length === value.length) {
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      return (
        <table className="sv-table">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column}>{label(column)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                {columns.map((column) => (
                  <td key={column}>
                    <Value value={row[column]} depth={depth + 1} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    return (
      <ul className="sv-list">
        {value.map((item, index) => (
          <li key={index}>
            <Value value={item} depth={depth + 1} />
          </li>
        ))}
      </ul>
    );
  }
  if (isRecord(value)) {
    return (
      <dl className="sv-object">
        {Object.entries(value).map(([key, item]) => (
          <div key={key} className="sv-row">
            <dt>{label(key)}</dt>
            <dd>
              <Value value={item} depth={depth + 1} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <Scalar value={value} />;
}

export const StructuredValue = memo(function StructuredValue({
  value,
  taskKey,
  live,
}: {
  value: unknown;
  taskKey: string;
  live: boolean;
}) {
  return (
    <div className="structured" data-testid={`structured-${taskKey}`} data-live={live}>
      <Value value={value} depth={0} />
      <details className="sv-raw">
        <summary>Raw JSON</summary>
        <pre>{JSON.stringify(value, null, 2)}</pre>
      </details>
    </div>
  );
});
