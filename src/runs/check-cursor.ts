/** The one check of a resume cursor, shared by every run manager. */
import { CrewError, ErrorCode } from "../events/index.js";

/** Throws `bad_cursor` unless `after` is a non-negative integer no greater than `lastSeq`. */
export function checkCursor(after: number, lastSeq: number): void {
  if (!Number.isInteger(after) || after < 0)
    throw new CrewError(ErrorCode.BAD_CURSOR, `Cursor ${after} is not a non-negative integer.`);
  if (after > lastSeq)
    throw new CrewError(
      ErrorCode.BAD_CURSOR,
      `Cursor ${after} is past the run's last seq ${lastSeq}.`,
    );
}
