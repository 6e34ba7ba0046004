/**
 * Most work one suggestion may cost, in distance-table cells plus one per candidate looked at.
 * A hint is a courtesy: without a bound, 4,000 unknown `goto` targets among 4,000 step ids cost
 * 16 million distance tables (9–18 s). With it, validation stays linear in the number of typos;
 * an ordinary playbook (a few hundred names) is searched completely well within it.
 */
export const SUGGEST_BUDGET = 10_000;

/** The closest candidate to `word` by edit distance, when it is close enough to be a likely typo. */
export function closest(
  word: string,
  candidates: Iterable<string>,
  budget = SUGGEST_BUDGET,
): string | undefined {
  const lower = word.toLowerCase();
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  // Only a candidate closer than the best so far can replace it: the first of equals wins.
  let bestDistance = allowed + 1;
  let left = budget;
  for (const candidate of candidates) {
    if (--left < 0) break;
    const other = candidate.toLowerCase();
    const bound = bestDistance - 1;
    // Each extra character is one edit at least: too long or too short cannot win.
    if (Math.abs(other.length - lower.length) > bound) continue;
    const d = distanceWithin(lower, other, bound, left);
    left -= cellsUsed;
    if (left < 0) break;
    if (d <= bound) {
      [best, bestDistance] = [candidate, d];
      if (d === 0) break;
    }
  }
  return best;
}

/** `; did you mean "x"?` when a close candidate exists, else an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match ? `; did you mean "${match}"?` : '';
}

/**
 * Edit distance counting a swap of two neighbours ("fial" for "fail") as one typo, not two, when
 * it is at most `max`; otherwise any number above `max`. Only the diagonal band `|i - j| <= max`
 * can hold such a distance, so only it is computed, and the rows stop once the band is all over,
 * or once more than `limit` cells were filled (then the answer is `max + 1`: unknown, not close).
 */
function distanceWithin(a: string, b: string, max: number, limit: number): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  // Three rows reused in turn; cells outside the band are never read except the band's edges,
  // which each row sets to `over`.
  cellsUsed = 3 * (b.length + 1);
  if (cellsUsed > limit) return over;
  const [first, second, third] = rows(b.length + 1, over);
  let beforePrevious = first;
  let previous = second;
  let current = third;
  for (let j = 0; j <= Math.min(b.length, max); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(b.length, i + max);
    current[lo - 1] = lo === 1 ? Math.min(i, over) : over;
    if (hi + 1 <= b.length) current[hi + 1] = over;
    let rowBest = current[lo - 1]!;
    for (let j = lo; j <= hi; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, beforePrevious[j - 2]! + 1);
      current[j] = Math.min(d, over);
      if (current[j]! < rowBest) rowBest = current[j]!;
    }
    cellsUsed += hi - lo + 1;
    if (rowBest > max || cellsUsed > limit) return over;
    const spare = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = spare;
  }
  return previous[b.length]!;
}

let scratch: Int32Array[] = [];
/** Cells the last {@link distanceWithin} filled (rows cleared included): what it cost. */
let cellsUsed = 0;

/**
 * Three rows of at least `width` cells filled with `fill`, reused from call to call: a fresh table
 * per candidate made the garbage collector the largest cost of a long search.
 */
function rows(width: number, fill: number): [Int32Array, Int32Array, Int32Array] {
  if ((scratch[0]?.length ?? 0) < width) scratch = [0, 1, 2].map(() => new Int32Array(width * 2));
  const [a, b, c] = scratch as [Int32Array, Int32Array, Int32Array];
  a.fill(fill, 0, width);
  b.fill(fill, 0, width);
  c.fill(fill, 0, width);
  return [a, b, c];
}
