/** A coloured status word for runs and tasks. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      {status === "waiting_input" ? "needs input" : status}
    </span>
  );
}
