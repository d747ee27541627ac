/**
 * The crews a server or CLI can run: the sub-folders of one or more crews folders. Names
 * resolve only inside those folders, so a crew name from an HTTP request can never reach
 * another part of the file system. Loaded crews are cached until one of their files changes:
 * by default each load checks the files (a few stats), and a watching catalog (`watch: true`,
 * for servers) keeps the crews folders' listing and every crew in memory and drops them when
 * `fs.watch` reports a change, so starting a run touches no file at all.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { CrewError, ErrorCode, toCrewError, type CrewListing } from "../events/index.js";
import { crewNamesIn, crewStamp, findCrewIn, isCrewFolder } from "./crew-folders.js";
import { didYouMean } from "./crew-problems.js";
import { FolderWatch } from "./folder-watch.js";
import { CREW_NAME_PATTERN } from "./crew-schema.js";
import { requiredInputs } from "./interpolate.js";
import { loadCrew } from "./load-crew.js";
import type { LoadedCrew } from "./load-crew.js";

/**
 * One crew of the catalog: its listing (what `GET /api/crews` shows) plus where it lives, which
 * stays on the server.
 */
export interface CatalogEntry extends CrewListing {
  /** The crew's folder (absolute, symlinks resolved). */
  dir: string;
  kind: "crew" | "process";
}

/** Options of {@link CrewCatalog}. */
export interface CrewCatalogOptions {
  /** Crews folders, searched in order: a crew in an earlier folder hides one of the same name later. */
  dirs: string[];
  /**
   * The crew used when a run names none. Without one, the first crew (by name) whose crew.yaml
   * says `default: true`, else the first crew that loads and runs on the engine, else the
   * first process crew that loads.
   */
  defaultName?: string;
  /** Tools registered in code that crews may name besides the built-ins. */
  knownTools?: Iterable<string>;
  /**
   * Keep the listing and the loaded crews in memory and reload them when their folders change
   * (`fs.watch`), instead of checking the files on every load. For long-running processes;
   * {@link CrewCatalog.close} stops watching. Where a folder cannot be watched the catalog
   * falls back to checking the files on every load.
   */
  watch?: boolean;
}

type CacheEntry = { stamp: string; crew?: LoadedCrew; error?: CrewError };

/** What a watching catalog holds between changes. */
interface Snapshot {
  generation: number;
  /** Crew name to folder, for every crew folder found. */
  found: Map<string, string>;
  entries: Promise<CatalogEntry[]>;
}

/** Lists and loads the crews of some folders. */
export class CrewCatalog {
  /** The crews folders, absolute. */
  readonly dirs: readonly string[];
  /** The configured default crew, if any (see {@link CrewCatalog.resolveDefault}). */
  readonly defaultName: string | undefined;
  readonly #knownTools: string[];
  readonly #cache = new Map<string, CacheEntry>();
  /** The crews `load` answered, by the loaded crew and the name it was asked by. */
  readonly #named = new WeakMap<LoadedCrew, Map<string, LoadedCrew>>();
  /** Watches the crews folders and crew folders while the catalog trusts its memory. */
  #watch: FolderWatch | undefined;
  /** Bumped by every change a watch reports: what was read before is stale. */
  #generation = 0;
  #snapshot: Snapshot | undefined;

  constructor(options: CrewCatalogOptions) {
    this.dirs = options.dirs.map((dir) => resolve(dir));
    this.defaultName = options.defaultName;
    this.#knownTools = [...(options.knownTools ?? [])];
    if (options.watch === true) {
      this.#watch = new FolderWatch(
        () => this.#changed(),
        () => this.#stopWatching(),
      );
      this.#watch.set(this.dirs);
    }
  }

  /** Stops watching the folders (a watching catalog keeps the process's watchers until then). */
  close(): void {
    this.#stopWatching();
  }

  /** Every crew of every folder, sorted by name; crews that fail to load carry `error`. */
  async list(): Promise<CatalogEntry[]> {
    if (this.#watch === undefined) return this.#list(await this.#scan());
    return [...(await this.#current().entries)];
  }

  /** The current snapshot of a watching catalog, read again after a change. */
  #current(): Snapshot {
    const generation = this.#generation;
    if (this.#snapshot?.generation === generation) return this.#snapshot;
    const found = new Map<string, string>();
    const snapshot: Snapshot = {
      generation,
      found,
      entries: this.#scan().then(async (scanned) => {
        for (const [name, dir] of scanned) found.set(name, dir);
        const entries = await this.#list(scanned);
        if (this.#generation === generation) {
          // The crews folders, each crew folder and its config/ hold every file a crew reads.
          const dirs = [...scanned.values()];
          this.#watch?.set([
            ...this.dirs,
            ...dirs,
            ...dirs.map((dir) => join(dir, "config")).filter((dir) => existsSync(dir)),
          ]);
        }
        return entries;
      }),
    };
    // A failed read is not kept: the next call reads again.
    snapshot.entries.catch(() => {
      if (this.#snapshot === snapshot) this.#snapshot = undefined;
    });
    this.#snapshot = snapshot;
    return snapshot;
  }

  /** A watched folder changed: forget what was read, and read it again soon, off any request. */
  #changed(): void {
    this.#generation += 1;
    this.#snapshot = undefined;
    this.#cache.clear();
    setTimeout(() => {
      if (this.#watch !== undefined) this.#current().entries.catch(() => undefined);
    }, 20).unref();
  }

  /** Falls back to checking the files on every load. */
  #stopWatching(): void {
    this.#watch?.close();
    this.#watch = undefined;
    this.#changed();
  }

  /** Crew name to folder, for every crew in the crews folders (earlier folders win). */
  async #scan(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const root of this.dirs) {
      for (const name of await crewNamesIn(root)) {
        if (found.has(name)) continue;
        const dir = await findCrewIn(root, name);
        if (dir !== undefined) found.set(name, dir);
      }
    }
    return found;
  }

  async #list(found: Map<string, string>): Promise<CatalogEntry[]> {
    const entries = await Promise.all(
      [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => this.#entry(name, dir)),
    );
    const loadable = entries.filter((entry) => entry.error === undefined);
    const defaultName =
      this.defaultName ??
      (
        loadable.find((entry) => entry.marked) ??
        loadable.find((entry) => entry.kind === "crew") ??
        loadable[0]
      )?.name;
    return entries.map(({ marked: _marked, ...entry }) => ({
      ...entry,
      default: entry.name === defaultName,
    }));
  }

  /**
   * The crew named `name`, or the default crew when `name` is undefined. The definition's
   * `name` is the catalog name, so runs are recorded under the name they can be started by.
   * Throws `bad_request` for a name that is not a plain folder name, `crew_not_found` when
   * there is no such crew, and `invalid_crew` when its files have problems.
   */
  async load(name?: string): Promise<LoadedCrew> {
    const chosen = name ?? (await this.resolveDefault());
    if (chosen === undefined) {
      throw new CrewError(
        ErrorCode.CREW_NOT_FOUND,
        `There are no crews to run in ${this.#folders()}; create one with "npx crewstream init <dir>".`,
      );
    }
    const crew = await this.loadDir(await this.#dirOf(chosen));
    // The same object while the crew is unchanged, so what is built from it can be kept.
    let byName = this.#named.get(crew);
    if (byName === undefined) this.#named.set(crew, (byName = new Map()));
    let named = byName.get(chosen);
    if (named === undefined) byName.set(chosen, (named = { ...crew, name: chosen }));
    return named;
  }

  /** The name of the crew used when a run names none, if there is one. */
  async resolveDefault(): Promise<string | undefined> {
    if (this.defaultName !== undefined) return this.defaultName;
    return (await this.list()).find((entry) => entry.default)?.name;
  }

  /**
   * The folder of `pathOrName`, for the CLI: something that looks like a path (absolute, or
   * with a `/` or a leading `.`) is a crew folder anywhere; a plain name is looked up in the
   * crews folders first, then in the working directory.
   */
  async resolveDir(pathOrName: string): Promise<string> {
    const looksLikePath =
      isAbsolute(pathOrName) || /[\\/]/.test(pathOrName) || pathOrName.startsWith(".");
    if (!looksLikePath) {
      const found = await this.#find(pathOrName);
      if (found !== undefined) return found;
    }
    const dir = resolve(pathOrName);
    if (await isCrewFolder(dir)) return dir;
    throw await this.#notFound(pathOrName);
  }

  /** Loads the crew in `dir`, from the cache while none of its files changed. */
  async loadDir(folder: string): Promise<LoadedCrew> {
    const dir = resolve(folder);
    const watching = this.#watch !== undefined && this.#isWatched(dir);
    let entry = this.#cache.get(dir);
    // A watched crew is reloaded only after a change (which empties the cache).
    const stamp = watching && entry !== undefined ? entry.stamp : await crewStamp(dir);
    if (entry?.stamp !== stamp) {
      const generation = this.#generation;
      entry = await loadCrew(dir, { knownTools: this.#knownTools }).then(
        (crew) => ({ stamp, crew }),
        (error: unknown) => ({ stamp, error: toCrewError(error) }),
      );
      // What was read before a change is not kept.
      if (this.#generation === generation) this.#cache.set(dir, entry);
    }
    if (entry.crew !== undefined) return entry.crew;
    throw (
      entry.error ?? new CrewError(ErrorCode.INTERNAL, `The crew in ${dir} could not be loaded.`)
    );
  }

  /** The listing of one crew; `marked` when its crew.yaml says `default: true`. */
  async #entry(
    name: string,
    dir: string,
  ): Promise<Omit<CatalogEntry, "default"> & { marked: boolean }> {
    try {
      const crew = await this.loadDir(dir);
      return {
        marked: crew.isDefault === true,
        name,
        process: crew.process,
        agents: crew.agents.map(({ key, role }) => ({ key, role })),
        tasks: crew.tasks.map(({ key, agent }) => (agent === undefined ? { key } : { key, agent })),
        inputs: requiredInputs(crew),
        dir,
        kind: crew.kind,
        warnings: crew.warnings,
      };
    } catch (error) {
      const info = toCrewError(error).toInfo();
      return {
        marked: false,
        name,
        process: "sequential",
        agents: [],
        tasks: [],
        inputs: [],
        dir,
        kind: "crew",
        error: info,
      };
    }
  }

  /** True when `dir` is a crew folder of the current snapshot (so its changes are watched). */
  #isWatched(dir: string): boolean {
    for (const found of this.#snapshot?.found.values() ?? []) if (found === dir) return true;
    return false;
  }

  async #find(name: string): Promise<string | undefined> {
    if (this.#watch !== undefined) {
      const snapshot = this.#current();
      await snapshot.entries;
      return snapshot.found.get(name);
    }
    for (const root of this.dirs) {
      const dir = await findCrewIn(root, name);
      if (dir !== undefined) return dir;
    }
    return undefined;
  }

  async #dirOf(name: string): Promise<string> {
    if (!CREW_NAME_PATTERN.test(name)) {
      throw new CrewError(
        ErrorCode.BAD_REQUEST,
        `"${name}" is not a crew name; names start with a letter or digit and use only letters, digits, ".", "_" and "-".`,
      );
    }
    const dir = await this.#find(name);
    if (dir === undefined) throw await this.#notFound(name);
    return dir;
  }

  async #notFound(name: string): Promise<CrewError> {
    const names = (await this.list()).map((entry) => entry.name);
    const known =
      names.length === 0
        ? `there are no crews in ${this.#folders()}`
        : `known crews: ${names.join(", ")}${didYouMean(name, names)}`;
    return new CrewError(ErrorCode.CREW_NOT_FOUND, `No crew named "${name}"; ${known}.`);
  }

  /** The crews folders, for messages. */
  #folders(): string {
    return this.dirs.length === 0 ? "no crews folder" : this.dirs.join(", ");
  }
}
