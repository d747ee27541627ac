/**
 * How a user types this program: `crewstream` when it is installed on the PATH (a global
 * install), else `npx crewstream` (a checkout or a project dependency), so every command a
 * message suggests can be pasted as it is.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

let cached: string | undefined;

/**
 * `crewstream` when an executable of that name is on the PATH outside any `node_modules`
 * (npm puts `node_modules/.bin` on the PATH only while it runs a script), else `npx crewstream`.
 */
export function cliName(env: NodeJS.ProcessEnv = process.env): string {
  if (env === process.env && cached !== undefined) return cached;
  const dirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  const names =
    process.platform === "win32" ? ["crewstream.cmd", "crewstream.exe"] : ["crewstream"];
  const installed = dirs
    .filter((dir) => !/[\\/]node_modules[\\/]/.test(`${dir}/`))
    .some((dir) => names.some((name) => isExecutable(join(dir, name))));
  const name = installed ? "crewstream" : "npx crewstream";
  if (env === process.env) cached = name;
  return name;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
