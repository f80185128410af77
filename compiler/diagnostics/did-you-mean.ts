/**
 * Edit distance with adjacent transpositions (optimal string alignment), so that the
 * commonest typo, two swapped letters ("agnet"), costs 1. Bounded: returns max+1 as soon
 * as the distance must exceed max.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
  const max = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | null = null;
  let bestD = max + 1;
  const lw = word.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lw ? 0 : editDistance(lw, c.toLowerCase(), max);
    if (d < bestD) { best = c; bestD = d; }
  }
  return best;
}

export function suggestion(word: string, candidates: readonly string[]): string {
  const s = didYouMean(word, candidates);
  return s === null ? '' : `; did you mean "${s}"?`;
}
