/**
 * Watches a set of folders (not recursively) and reports that something in one of them changed.
 * A crews catalog uses it to keep its crews in memory and reload them only when their files
 * change, instead of checking the files on every run.
 *
 * Contract: `onChange` is called (possibly several times) after any entry of a watched folder
 * is created, removed, renamed or written. When a folder cannot be watched (it does not exist,
 * or the system is out of watches) `onUnwatchable` is called and the caller must not rely on
 * change events for it.
 */
import { watch, type FSWatcher } from "node:fs";

/** A set of watched folders; see the file comment. */
export class FolderWatch {
  readonly #watchers = new Map<string, FSWatcher>();
  #closed = false;

  constructor(
    private readonly onChange: () => void,
    private readonly onUnwatchable: (folder: string, error: unknown) => void,
  ) {}

  /** Watches exactly `folders` from now on (starting and stopping watchers as needed). */
  set(folders: Iterable<string>): void {
    if (this.#closed) return;
    const wanted = new Set(folders);
    for (const [folder, watcher] of this.#watchers) {
      if (wanted.has(folder)) continue;
      watcher.close();
      this.#watchers.delete(folder);
    }
    for (const folder of wanted) {
      if (this.#watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, { persistent: false }, () => this.onChange());
        watcher.on("error", (error) => {
          watcher.close();
          this.#watchers.delete(folder);
          this.onUnwatchable(folder, error);
        });
        this.#watchers.set(folder, watcher);
      } catch (error) {
        this.onUnwatchable(folder, error);
      }
    }
  }

  /** Stops every watcher; later `set` calls do nothing. */
  close(): void {
    this.#closed = true;
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }
}
