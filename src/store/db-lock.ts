/**
 * An exclusive lock on a database file for one writing process (a server), so a second server
 * started on the same file refuses to start instead of "recovering" the first one's live runs.
 *
 * The lock is a file next to the database (`<db>.lock`) holding the holder's pid, host and
 * start time, created with `O_EXCL`. Readers (`crewstream runs`, `replay`) do not take it. A
 * lock whose holder is on this host and no longer alive (killed, crashed) is stale and taken
 * over: it is first renamed aside, and only if the renamed file is still that stale holder's
 * is the new lock created, so two processes taking over at once cannot both win.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { CrewError, ErrorCode } from "../events/index.js";

/** Who holds a lock. */
interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** A held lock. */
export interface DbLock {
  /** Path of the lock file. */
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof holder.pid !== "number" || typeof holder.host !== "string") return undefined;
    return { pid: holder.pid, host: holder.host, startedAt: String(holder.startedAt ?? "") };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sameHolder = (a: LockHolder | undefined, b: LockHolder | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.pid === b.pid &&
  a.host === b.host &&
  a.startedAt === b.startedAt;

function lockedError(dbPath: string, lockPath: string, holder: LockHolder | undefined): CrewError {
  const who =
    holder === undefined
      ? "another process (its lock file cannot be read)"
      : `process ${holder.pid} on ${holder.host} since ${holder.startedAt}`;
  return new CrewError(
    ErrorCode.STORE_ERROR,
    `The database ${dbPath} is in use by ${who}; stop that server first, or use another --db. If that process is gone, delete ${lockPath}.`,
  );
}

/**
 * Takes the lock of `dbPath` for this process, taking over a stale one. Throws `store_error`
 * naming the path and the holder when a live process holds it.
 */
export function acquireDbLock(dbPath: string): DbLock {
  const path = `${dbPath}.lock`;
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  const content = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, content, { flag: "wx" });
      let released = false;
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          if (sameHolder(readHolder(path), me)) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new CrewError(
          ErrorCode.STORE_ERROR,
          `Cannot create the lock file ${path}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    const holder = readHolder(path);
    const stale = holder !== undefined && holder.host === me.host && !isAlive(holder.pid);
    if (!stale) {
      // A lock file being written right now reads as nothing: look again before refusing.
      if (holder === undefined && attempt < 4) continue;
      throw lockedError(dbPath, path, holder);
    }
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // someone else moved it first; try again
    }
    const moved = readHolder(aside);
    if (!sameHolder(moved, holder)) {
      // We moved a lock another process had just taken: put it back and refuse.
      try {
        linkSync(aside, path);
      } catch {
        // A third process holds the lock now; it stays theirs.
      }
      unlinkSync(aside);
      throw lockedError(dbPath, path, moved);
    }
    unlinkSync(aside);
  }
  throw lockedError(dbPath, path, readHolder(path));
}
