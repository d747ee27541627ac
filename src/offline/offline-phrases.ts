/**
 * Phrases the offline model builds its answers from. `{t}` stands for the topic; every phrase
 * is worded to read well for any noun phrase ("AI agents", "solar power").
 */

/** Angles on a topic: a heading and a finding. */
export const ANGLES: ReadonlyArray<readonly [string, string]> = [
  [
    "Current state",
    "Work on {t} is moving from early experiments to everyday use; practitioners now care more about reliability than novelty.",
  ],
  [
    "Main approaches",
    "Two approaches dominate {t}: general-purpose building blocks that teams assemble, and narrow end-to-end products.",
  ],
  [
    "Trade-offs",
    "Flexibility in {t} costs predictability: the more open-ended the setup, the harder it is to test and to budget.",
  ],
  [
    "Key players",
    "A handful of established organisations and a long tail of small teams shape {t}, and the small teams often ship first.",
  ],
  [
    "Recent developments",
    "The last year brought steady progress in {t}: better tooling, clearer standards and more public case studies.",
  ],
  [
    "Tools and projects",
    "Open-source projects around {t} mature quickly, and most serious teams combine several of them.",
  ],
  [
    "Adoption",
    "Adoption of {t} is strongest where tasks are repetitive and well documented, and weakest where judgement is needed.",
  ],
  [
    "Costs",
    "Running costs of {t} fall every year, but monitoring, review and maintenance still take real people's time.",
  ],
  [
    "Open problems",
    "Cost, evaluation and trust remain the hard questions in {t}, and nobody has fully answered them yet.",
  ],
  [
    "Practical impact",
    "In well-defined workflows, teams already save time with {t}; broad claims deserve a careful reading.",
  ],
  [
    "Risks",
    "Over-reliance, uneven quality and unclear accountability are the main risks that come with {t}.",
  ],
  [
    "Outlook",
    "Expect {t} to become more specialised, with small focused solutions beating one-size-fits-all approaches.",
  ],
];

/** Confidence notes for findings, cycled deterministically. */
export const CONFIDENCE = [
  "high: widely reported",
  "medium: details differ between sources",
  "low: few public examples",
] as const;

/** Sentences that close a report section. */
export const CLOSERS = [
  "For readers following {t}, this changes what is practical today and what is still a bet on tomorrow.",
  "It is the part of {t} most likely to affect day-to-day decisions over the next year.",
  "Teams adopting {t} should weigh this early, before it becomes expensive to change course.",
  "This is where the debate about {t} is most lively, and where new evidence arrives fastest.",
] as const;

/** Recommendations a report ends with. */
export const RECOMMENDATIONS = [
  "Start with one well-defined use of {t} and measure it against the current way of working.",
  "Keep a human reviewer in the loop until the results of {t} are predictable.",
  "Budget for monitoring and maintenance, not only for the first version.",
  "Revisit the decision in six months: {t} changes quickly.",
] as const;

/** Replaces `{t}` with the topic. */
export function fill(template: string, topic: string): string {
  return template.replaceAll("{t}", topic);
}

/** `count` items starting at a seed-chosen offset, wrapping around; deterministic for a seed. */
export function pick<T>(items: readonly T[], seed: number, count: number): T[] {
  const start = seed % items.length;
  return Array.from(
    { length: Math.min(count, items.length) },
    (_, i) => items[(start + i) % items.length] as T,
  );
}
