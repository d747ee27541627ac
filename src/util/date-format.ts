/**
 * Dates written with Python's `strftime` directives, for CrewAI's agent `date_format` (CrewAI
 * needs one of `%Y %m %d %H %M %S %B %b %A %a` in it and hands it to `strftime`): the C
 * standard's directives and glibc's `%-d`-style unpadded forms, in English (as Python writes
 * them in the default locale), in the process's local time zone.
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

/** Day of the year, 1 on January 1st (counted on the calendar, so DST changes nothing). */
const dayOfYear = (date: Date): number =>
  Math.round(
    (Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) -
      Date.UTC(date.getFullYear(), 0, 1)) /
      86_400_000,
  ) + 1;

/** Week of the year whose weeks start on `firstDay` (0 Sunday, 1 Monday); days before the first such day are week 0. */
const weekOfYear = (date: Date, firstDay: number): number =>
  Math.floor((dayOfYear(date) - 1 + 7 - ((date.getDay() - firstDay + 7) % 7)) / 7);

/** The UTC offset as +HHMM. */
const utcOffset = (date: Date): string => {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
};

/** The time zone's short name (UTC, CET, EST...), as the platform names it. */
const zoneName = (date: Date): string =>
  new Intl.DateTimeFormat("en-US", { timeZoneName: "short" })
    .formatToParts(date)
    .find((part) => part.type === "timeZoneName")?.value ?? "";

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
  j: (date) => pad(dayOfYear(date), 3),
  e: (date) => String(date.getDate()).padStart(2, " "),
  w: (date) => String(date.getDay()),
  u: (date) => String(date.getDay() === 0 ? 7 : date.getDay()),
  U: (date) => pad(weekOfYear(date, 0)),
  W: (date) => pad(weekOfYear(date, 1)),
  f: (date) => pad(date.getMilliseconds() * 1000, 6),
  z: utcOffset,
  Z: zoneName,
  c: (date) => formatDate(date, "%a %b %e %H:%M:%S %Y"),
  x: (date) => formatDate(date, "%m/%d/%y"),
  X: (date) => formatDate(date, "%H:%M:%S"),
  "%": () => "%",
};

/** Directives glibc writes without padding when given as `%-d`. */
const UNPADDED = new Set(["d", "m", "H", "I", "M", "S", "j", "y", "U", "W"]);

/** A directive: `%` then an optional `-` (no padding) and one character. */
const DIRECTIVE = /%(-?)(.?)/g;

/** The date directives CrewAI checks a format for: one must be there. */
const DATE_PARTS = new Set(["Y", "m", "d", "H", "M", "S", "B", "b", "A", "a"]);

/**
 * Why `format` cannot be used, or undefined when it can: every directive must be known, and
 * one of CrewAI's date directives must be there (CrewAI skips the date otherwise).
 */
export function dateFormatProblem(format: string): string | undefined {
  const used = [...format.matchAll(DIRECTIVE)].map(([, dash, directive]) => ({
    dash: dash === "-",
    directive: directive ?? "",
  }));
  const unknown = used.find(
    ({ dash, directive }) => !(directive in DIRECTIVES) || (dash && !UNPADDED.has(directive)),
  );
  if (unknown !== undefined)
    return `%${unknown.dash ? "-" : ""}${unknown.directive} is not a supported directive; use ${Object.keys(
      DIRECTIVES,
    )
      .filter((d) => d !== "%")
      .map((d) => `%${d}`)
      .join(" ")}, %-d style for no padding, or %%`;
  if (!used.some(({ directive }) => DATE_PARTS.has(directive)))
    return `it has none of ${[...DATE_PARTS].map((d) => `%${d}`).join(" ")}; use e.g. %Y-%m-%d`;
  return undefined;
}

/** `date` written in `format` (check it with {@link dateFormatProblem} first). */
export function formatDate(date: Date, format: string): string {
  return format.replace(DIRECTIVE, (whole, dash: string, directive: string) => {
    const write = DIRECTIVES[directive];
    if (write === undefined) return whole;
    const text = write(date);
    return dash === "-" && UNPADDED.has(directive) ? String(Number(text)) : text;
  });
}
