/**
 * The crews a server or CLI can run: the sub-folders of one or more crews folders. Names
 * resolve only inside those folders, so a crew name from an HTTP request can never reach
 * another part of the file system. Loaded crews are cached until one of their files changes.
 */
import { isAbsolute, resolve } from "node:path";
import { CrewError, ErrorCode, toCrewError, type CrewListing } from "../events/index.js";
import { crewNamesIn, crewStamp, findCrewIn, isCrewFolder } from "./crew-folders.js";
import { didYouMean } from "./crew-problems.js";
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
}

type CacheEntry = { stamp: string; crew?: LoadedCrew; error?: CrewError };

/** Lists and loads the crews of some folders. */
export class CrewCatalog {
  /** The crews folders, absolute. */
  readonly dirs: readonly string[];
  /** The configured default crew, if any (see {@link CrewCatalog.resolveDefault}). */
  readonly defaultName: string | undefined;
  readonly #knownTools: string[];
  readonly #cache = new Map<string, CacheEntry>();

  constructor(options: CrewCatalogOptions) {
    this.dirs = options.dirs.map((dir) => resolve(dir));
    this.defaultName = options.defaultName;
    this.#knownTools = [...(options.knownTools ?? [])];
  }

  /** Every crew of every folder, sorted by name; crews that fail to load carry `error`. */
  async list(): Promise<CatalogEntry[]> {
    const found = new Map<string, string>();
    for (const root of this.dirs) {
      for (const name of await crewNamesIn(root)) {
        if (found.has(name)) continue;
        const dir = await findCrewIn(root, name);
        if (dir !== undefined) found.set(name, dir);
      }
    }
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
    return { ...crew, name: chosen };
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
    const stamp = await crewStamp(dir);
    let entry = this.#cache.get(dir);
    if (entry?.stamp !== stamp) {
      entry = await loadCrew(dir, { knownTools: this.#knownTools }).then(
        (crew) => ({ stamp, crew }),
        (error: unknown) => ({ stamp, error: toCrewError(error) }),
      );
      this.#cache.set(dir, entry);
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

  async #find(name: string): Promise<string | undefined> {
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
