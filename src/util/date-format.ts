/**
 * Dates written with Python's `strftime` directives, for CrewAI's agent `date_format`: the
 * directives CrewAI accepts (`%Y %m %d %H %M %S %B %b %A %a`) and a few more, in English (as
 * Python writes them in the default locale), in the process's local time zone.
 */

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/** What each directive writes. */
const DIRECTIVES: Record<string, (date: Date) => string> = {
  Y: (date) => String(date.getFullYear()),
  y: (date) => pad(date.getFullYear() % 100),
  m: (date) => pad(date.getMonth() + 1),
  d: (date) => pad(date.getDate()),
  H: (date) => pad(date.getHours()),
  I: (date) => pad(date.getHours() % 12 === 0 ? 12 : date.getHours() % 12),
  p: (date) => (date.getHours() < 12 ? "AM" : "PM"),
  M: (date) => pad(date.getMinutes()),
  S: (date) => pad(date.getSeconds()),
  B: (date) => MONTHS[date.getMonth()]!,
  b: (date) => MONTHS[date.getMonth()]!.slice(0, 3),
  A: (date) => DAYS[date.getDay()]!,
  a: (date) => DAYS[date.getDay()]!.slice(0, 3),
  j: (date) =>
    pad(
      Math.round(
        (Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) -
          Date.UTC(date.getFullYear(), 0, 1)) /
          86_400_000,
      ) + 1,
      3,
    ),
  "%": () => "%",
};

/** Why `format` cannot be used, or undefined when it can: it needs a date directive, all known. */
export function dateFormatProblem(format: string): string | undefined {
  const used = [...format.matchAll(/%(.?)/g)].map((match) => match[1] ?? "");
  const unknown = used.filter((directive) => !(directive in DIRECTIVES));
  if (unknown.length > 0)
    return `%${unknown[0]} is not a supported directive; use ${Object.keys(DIRECTIVES)
      .filter((d) => d !== "%")
      .map((d) => `%${d}`)
      .join(" ")} or %%`;
  if (!used.some((directive) => directive !== "%"))
    return "it writes no part of the date; use e.g. %Y-%m-%d";
  return undefined;
}

/** `date` written in `format` (check it with {@link dateFormatProblem} first). */
export function formatDate(date: Date, format: string): string {
  return format.replace(/%(.?)/g, (whole, directive: string) =>
    (DIRECTIVES[directive] ?? (() => whole))(date),
  );
}
