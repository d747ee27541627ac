/**
 * The timeline picture of a run: tasks and agents as rows on a time axis; model calls, tool
 * calls, delegations, retries, rate-limit and human-input waits as bars or marks. Hovering a
 * mark tells its tokens, cost and duration; clicking it shows that step in the transcript.
 */
import { memo } from "react";
import { formatCost, type RunProgress, type TimelineMark } from "../../../src/client/index.js";

const KIND_LABEL: Record<TimelineMark["kind"], string> = {
  call: "Model call",
  tool: "Tool call",
  delegate: "Delegation",
  retry: "Retry wait",
  rate_limit: "Rate-limit wait",
  input: "Human input",
};

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The hover text of a mark: what, where, how long, tokens, cost and the provider's warnings. */
function markDetails(mark: TimelineMark, endMs: number): string {
  const start = Date.parse(mark.start);
  const end = mark.end === undefined ? endMs : Date.parse(mark.end);
  const lines = [`${KIND_LABEL[mark.kind]}: ${mark.label}`];
  if (mark.agent) lines.push(`Agent: ${mark.agent}`);
  if (mark.task) lines.push(`Task: ${mark.task}`);
  if (mark.kind !== "delegate")
    lines.push(`Duration: ${seconds(end - start)}${mark.end === undefined ? " (running)" : ""}`);
  if (mark.inputTokens !== undefined)
    lines.push(`Tokens: ${mark.inputTokens} in, ${mark.outputTokens ?? 0} out`);
  if (mark.kind === "call") lines.push(`Cost: ${formatCost(mark.cost)}`);
  for (const warning of mark.warnings ?? []) lines.push(`⚠ ${warning}`);
  if (mark.failed) lines.push("Failed");
  return lines.join("\n");
}

/** Scrolls the transcript to the task (and tool call) a mark belongs to, and flashes it. */
function showInTranscript(from: HTMLElement, mark: TimelineMark): void {
  const run = from.closest(".crew-run");
  const card = run?.querySelector<HTMLElement>(`[data-task="${CSS.escape(mark.task ?? "")}"]`);
  if (!card) return;
  const header = card.querySelector<HTMLButtonElement>(".task-header");
  if (header?.getAttribute("aria-expanded") === "false") header.click();
  const target =
    (mark.id && card.querySelector<HTMLElement>(`[data-call-id="${CSS.escape(mark.id)}"]`)) || card;
  target.scrollIntoView({ behavior: "smooth", block: "center" });
  target.classList.remove("flash");
  // Restart the animation on a second click.
  void target.offsetWidth;
  target.classList.add("flash");
}

interface Row {
  key: string;
  label: string;
  kind: "task" | "agent";
  bar?: { start: number; end: number; status: string };
  marks: TimelineMark[];
}

export const RunTimeline = memo(function RunTimeline({ progress }: { progress: RunProgress }) {
  const marks = progress.timeline;
  const startMs = progress.startedAt ? Date.parse(progress.startedAt) : undefined;
  if (startMs === undefined || progress.tasks.every((t) => t.startedAt === undefined)) return null;
  // The axis ends with the run, or with the latest thing seen while it runs.
  const latest = Math.max(
    startMs + 1,
    ...marks.map((m) => Date.parse(m.end ?? m.start)),
    ...progress.tasks.map((t) => Date.parse(t.endedAt ?? t.startedAt ?? progress.startedAt!)),
    ...progress.agents.map((a) => Date.parse(a.endedAt ?? a.startedAt ?? progress.startedAt!)),
  );
  const endMs = progress.endedAt ? Math.max(Date.parse(progress.endedAt), latest) : latest;
  const span = Math.max(1, endMs - startMs);
  const pct = (ms: number): number => Math.min(100, Math.max(0, ((ms - startMs) / span) * 100));

  const rows: Row[] = [
    ...progress.tasks.map<Row>((t) => ({
      key: `task:${t.key}`,
      label: t.key.replace(/_/g, " "),
      kind: "task",
      ...(t.startedAt
        ? {
            bar: {
              start: Date.parse(t.startedAt),
              end: t.endedAt ? Date.parse(t.endedAt) : endMs,
              status: t.status,
            },
          }
        : {}),
      marks: marks.filter((m) => m.task === t.key && (m.kind === "input" || m.kind === "delegate")),
    })),
    ...progress.agents
      .filter((a) => a.startedAt !== undefined)
      .map<Row>((a) => ({
        key: `agent:${a.key}`,
        label: a.role,
        kind: "agent",
        marks: marks.filter((m) => m.agent === a.key && m.kind !== "input"),
      })),
  ];
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: f * 100, label: seconds(f * span) }));

  return (
    <figure className="run-timeline" aria-label="Run timeline">
      <div className="timeline-scroll">
        <div className="timeline-grid">
          <div className="timeline-axis" aria-hidden="true">
            <span className="timeline-label" />
            <div className="timeline-track">
              {ticks.map((tick) => (
                <span key={tick.at} className="timeline-tick" style={{ left: `${tick.at}%` }}>
                  {tick.label}
                </span>
              ))}
            </div>
          </div>
          {rows.map((row) => (
            <div key={row.key} className={`timeline-row timeline-row-${row.kind}`}>
              <span className="timeline-label" title={row.label}>
                {row.label}
              </span>
              <div className="timeline-track">
                {row.bar && (
                  <span
                    className={`timeline-task-bar status-${row.bar.status}`}
                    style={{
                      left: `${pct(row.bar.start)}%`,
                      width: `${Math.max(0.5, pct(row.bar.end) - pct(row.bar.start))}%`,
                    }}
                    title={`${row.label}: ${seconds(row.bar.end - row.bar.start)}`}
                  />
                )}
                {row.marks.map((mark) => {
                  const start = Date.parse(mark.start);
                  const point = mark.kind === "delegate";
                  const end = mark.end === undefined ? endMs : Date.parse(mark.end);
                  const details = markDetails(mark, endMs);
                  return (
                    <button
                      type="button"
                      key={`${mark.kind}-${mark.seq}`}
                      className={`timeline-mark mark-${mark.kind}${point ? " mark-point" : ""}${mark.failed ? " mark-failed" : ""}`}
                      data-kind={mark.kind}
                      data-seq={mark.seq}
                      style={{
                        left: `${pct(start)}%`,
                        ...(point ? {} : { width: `${Math.max(0.6, pct(end) - pct(start))}%` }),
                      }}
                      title={details}
                      aria-label={details.replace(/\n/g, ", ")}
                      onClick={(e) => showInTranscript(e.currentTarget, mark)}
                    />
                  );
                })}
              </div>
            </div>
          ))}
        </div>
      </div>
      <figcaption className="timeline-legend">
        {(["call", "tool", "delegate", "retry", "rate_limit", "input"] as const).map((kind) => (
          <span key={kind} className="legend-item">
            <span className={`legend-swatch mark-${kind}`} aria-hidden="true" />
            {KIND_LABEL[kind]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
});
