/**
 * A match pattern where `*` stands for any run of characters and everything else is literal
 * (DESIGN section 3). Matching takes time linear in the value's length whatever the pattern:
 * a rule is data anyone with write access to the table can set, and a regular expression built
 * from `*a*a*a*b` backtracks for seconds on 256 `a`s, blocking the event loop of the whole
 * Lambda environment, its timers included.
 *
 * The pattern splits at its stars into a head, literal middles and a tail. A value matches when
 * it starts with the head, ends with the tail, and holds the middles in order, without overlap,
 * in between. Taking each middle at its leftmost occurrence is optimal (it leaves the most room
 * for the rest), so one left-to-right scan decides: each middle is searched with
 * Knuth-Morris-Pratt from where the previous one ended, and no character is ever scanned twice
 * by more than KMP's own bound.
 */

/** Counts the character comparisons of `matches`: what tests assert on instead of wall time. */
export interface MatchMeter {
  steps: number;
}

interface Segment {
  readonly text: string;
  /** KMP failure function: the length of the longest proper border of text[0..i]. */
  readonly border: readonly number[];
}

export class WildcardPattern {
  private constructor(
    /** The whole pattern when it has no star: then a value must equal it. */
    private readonly exact: string | undefined,
    private readonly head: string,
    private readonly middles: readonly Segment[],
    private readonly tail: string,
  ) {}

  /** Compiles a pattern as given; callers fold case and normalise both sides beforehand. */
  static compile(pattern: string): WildcardPattern {
    const parts = pattern.split("*");
    if (parts.length === 1) return new WildcardPattern(pattern, "", [], "");
    const middles = parts
      .slice(1, -1)
      .filter((part) => part !== "")
      .map((text) => ({ text, border: borders(text) }));
    return new WildcardPattern(undefined, parts[0] ?? "", middles, parts.at(-1) ?? "");
  }

  matches(value: string, meter?: MatchMeter): boolean {
    if (this.exact !== undefined) {
      if (meter) meter.steps += Math.min(this.exact.length, value.length) + 1;
      return value === this.exact;
    }
    const { head, tail } = this;
    if (value.length < head.length + tail.length) return false;
    if (meter) meter.steps += head.length + tail.length;
    if (!value.startsWith(head) || !value.endsWith(tail)) return false;
    let from = head.length;
    const end = value.length - tail.length;
    for (const segment of this.middles) {
      const at = indexOf(segment, value, from, end, meter);
      if (at < 0) return false;
      from = at + segment.text.length;
    }
    return true;
  }
}

const borders = (text: string): number[] => {
  const border = new Array<number>(text.length).fill(0);
  let k = 0;
  for (let i = 1; i < text.length; i++) {
    while (k > 0 && text[i] !== text[k]) k = border[k - 1] as number;
    if (text[i] === text[k]) k++;
    border[i] = k;
  }
  return border;
};

/** Where the segment first occurs wholly inside value[from, end), or -1. */
const indexOf = (
  { text, border }: Segment,
  value: string,
  from: number,
  end: number,
  meter: MatchMeter | undefined,
): number => {
  let k = 0;
  let steps = 0;
  for (let i = from; i < end; i++) {
    steps++;
    while (k > 0 && value[i] !== text[k]) {
      k = border[k - 1] as number;
      steps++;
    }
    if (value[i] === text[k]) k++;
    if (k === text.length) {
      if (meter) meter.steps += steps;
      return i - k + 1;
    }
  }
  if (meter) meter.steps += steps;
  return -1;
};
