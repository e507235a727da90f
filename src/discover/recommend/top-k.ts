/**
 * The indices of the k largest scores, best first, skipping those `skip` marks. One pass with a
 * small binary min-heap: O(n log k), no sort of the whole array.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (index: number) => boolean): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === at) return;
      [heap[at], heap[m]] = [heap[m]!, heap[at]!];
      at = m;
    }
  };
  if (k <= 0) return [];
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i]) || skip?.(i)) continue;
    if (heap.length < k) {
      heap.push(i);
      for (let at = heap.length - 1; at > 0; ) {
        const parent = (at - 1) >> 1;
        if (!less(heap[at]!, heap[parent]!)) break;
        [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
        at = parent;
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i;
      down(0);
    }
  }
  // Best first; equal scores keep the lower index first, so results are stable.
  return heap.sort((a, b) => scores[b]! - scores[a]! || a - b);
}
