/**
 * "Did you mean" for misspelt names and option keys: the known name closest to a typo by
 * Damerau-Levenshtein distance (case-insensitive), when it is close enough to be the intent.
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The known name `name` most likely meant, or undefined when none is close. */
export function closest(name: string, known: readonly string[]): string | undefined {
  const n = name.toLowerCase();
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(n, k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.floor(Math.min(n.length, best?.length ?? 0) / 3));
  return best !== undefined && best !== name && bestD <= limit ? best : undefined;
}

/** ` (did you mean "epochs"?)`, or "" when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const c = closest(name, known);
  return c === undefined ? "" : ` (did you mean ${JSON.stringify(c)}?)`;
}
