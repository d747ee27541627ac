/** The logger the server writes to: anything with `info`, `warn` and `error` (e.g. `console`). */
export interface Logger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** A logger that writes nothing, for tests and embedding. */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
};
