/** "1 step", "3 steps". */
export function stepCount(steps: number): string {
  return steps === 1 ? "1 step" : `${steps} steps`;
}
