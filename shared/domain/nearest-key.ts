/**
 * "Did you mean ...?" for the keys of a rule file. Typos in hand-written files are a letter
 * missed, added, changed or two swapped (`hierachyGroup`, `departmnet`), so the distance is
 * optimal string alignment: Levenshtein plus adjacent transpositions, case ignored. A few lines
 * over short keys; not worth a dependency in the Lambda bundle.
 */

/** The known key closest to `key`, if one is close enough to be what was meant. */
export const nearestKey = (key: string, known: Iterable<string>): string | undefined => {
  const wanted = key.toLowerCase();
  // One edit in a short key, two in a longer one: further than that is another word.
  const limit = wanted.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
};

const editDistance = (a: string, b: string): number => {
  // rows[i][j]: distance between a[0..i) and b[0..j); three rows are all the recurrence reads.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (before[j - 2] as number) + 1);
      }
      current[j] = distance;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
};
