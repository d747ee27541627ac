/**
 * The one parser of numeric flags (ports, counts, durations, the replay speed). Commander calls
 * it for the flag and for its environment variable alike; a bad value is a usage error (exit
 * 2) whose message says what to give instead.
 */
import { InvalidArgumentError } from "commander";

/** What a numeric flag accepts. */
export interface NumberRule {
  /** Smallest value accepted. */
  min: number;
  /** Largest value accepted; none means no upper bound. */
  max?: number;
  /** Accept fractions too (default: whole numbers only). */
  fractions?: boolean;
  /** What the number counts, for the message: "milliseconds", "runs". */
  unit?: string;
}

function expected(rule: NumberRule): string {
  const kind = rule.fractions === true ? "a number" : "a whole number";
  const of = rule.unit === undefined ? "" : ` of ${rule.unit}`;
  const range =
    rule.max === undefined ? `, at least ${rule.min}` : ` from ${rule.min} to ${rule.max}`;
  return `Give ${kind}${of}${range}.`;
}

/**
 * Parses `value` by `rule`. Throws commander's InvalidArgumentError (which commander reports
 * with the flag's name and exits 2 through the program's exit override).
 */
function parseNumber(value: string, rule: NumberRule): number {
  // Number("") is 0 and Number(" 7 ") is 7: only plain decimal notation is a number here.
  const number = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(value.trim()) ? Number(value) : Number.NaN;
  const whole = rule.fractions === true || Number.isInteger(number);
  if (!Number.isFinite(number) || !whole || number < rule.min || number > (rule.max ?? Infinity))
    throw new InvalidArgumentError(expected(rule));
  return number;
}

/** A commander argument parser for a numeric flag: `.argParser(numberArg({ min: 0, max: 65_535 }))`. */
export function numberArg(rule: NumberRule): (value: string) => number {
  return (value) => parseNumber(value, rule);
}
