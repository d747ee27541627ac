/**
 * The environment a crew program runs with. It is an allowlist, not the server's whole
 * environment: the program is someone's crew code, and the server's own secrets
 * (`CREWSTREAM_TOKEN`, database and Redis URLs, cloud credentials) are none of its business.
 */
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";

/** Variables passed through as they are: the system's basics, locale, proxies and certificates, Python's setup. */
const INHERITED_VARIABLES: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TMPDIR",
  "TEMP",
  "TMP",
  "TZ",
  "TERM",
  "LANG",
  "LANGUAGE",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "VIRTUAL_ENV",
  "CONDA_PREFIX",
  "PYTHONPATH",
  "PYTHONHOME",
  // Windows needs these to start programs at all.
  "SYSTEMROOT",
  "SystemRoot",
  "COMSPEC",
  "PATHEXT",
  "WINDIR",
  "APPDATA",
  "LOCALAPPDATA",
  "USERPROFILE",
];

/** Model providers' keys and endpoints (LiteLLM's names, which CrewAI reads), and crewstream's own model settings. */
const MODEL_VARIABLES: readonly string[] = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_API_BASE",
  "OPENAI_ORGANIZATION",
  "ANTHROPIC_API_KEY",
  "OPENROUTER_API_KEY",
  "GEMINI_API_KEY",
  "GOOGLE_API_KEY",
  "GROQ_API_KEY",
  "MISTRAL_API_KEY",
  "DEEPSEEK_API_KEY",
  "COHERE_API_KEY",
  "AZURE_API_KEY",
  "AZURE_API_BASE",
  "AZURE_API_VERSION",
  "OLLAMA_BASE_URL",
  "OLLAMA_API_BASE",
  "CREWSTREAM_MODEL",
  "CREWSTREAM_BASE_URL",
  "CREWSTREAM_API_KEY",
];

/** Settings of the example's stand-in crew (`examples/python-crew/crew/fake_run.py`). */
const STAND_IN_VARIABLES: readonly string[] = ["CREWSTREAM_FAKE_STEP_MS", "CREWAI_STANDIN_LAYOUT"];

/** Never given to a program, even when a crew's `env:` names it. */
const WITHHELD: ReadonlySet<string> = new Set(["CREWSTREAM_TOKEN"]);

/** Where `crewstream_bridge.py` lives in the package (`python/`), put on the program's `PYTHONPATH`. */
const BRIDGE_MODULE_DIR = fileURLToPath(new URL("../../python", import.meta.url));

/**
 * The program's environment: the allowlisted variables of `parent` (names starting with
 * `LC_` too), then the crew's own `env:`, then the run's variables. `PYTHONPATH` gets the
 * folder of `crewstream_bridge.py` appended, so `import crewstream_bridge` works in any crew.
 */
export function childEnvironment(
  parent: NodeJS.ProcessEnv,
  crewEnv: Readonly<Record<string, string>> = {},
  runVariables: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" };
  const allowed = new Set([...INHERITED_VARIABLES, ...MODEL_VARIABLES, ...STAND_IN_VARIABLES]);
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && (allowed.has(name) || name.startsWith("LC_"))) env[name] = value;
  }
  Object.assign(env, crewEnv, runVariables);
  for (const name of WITHHELD) delete env[name];
  env.PYTHONPATH =
    env.PYTHONPATH === undefined || env.PYTHONPATH === ""
      ? BRIDGE_MODULE_DIR
      : `${env.PYTHONPATH}${delimiter}${BRIDGE_MODULE_DIR}`;
  return env;
}
