/**
 * A user × item matrix of implicit interactions in compressed sparse form, both ways round
 * (rows = users, columns = items), with dense integer indices for both. Every recommender and
 * every metric works on these indices; names (work ids, file ids) live only at the edges.
 */
export interface Interactions {
  readonly userCount: number;
  readonly itemCount: number;
  /** CSR by user: items of user u are rowItems[rowStart[u] .. rowStart[u+1]). Sorted. */
  readonly rowStart: Int32Array;
  readonly rowItems: Int32Array;
  readonly rowWeights: Float32Array;
  /** CSC by item: users of item i are colUsers[colStart[i] .. colStart[i+1]). Sorted. */
  readonly colStart: Int32Array;
  readonly colUsers: Int32Array;
  readonly colWeights: Float32Array;
}

/** One (user, item, weight) triple by dense index. */
export interface Triple {
  user: number;
  item: number;
  weight: number;
}

/** Builds both sparse forms from triples; duplicate pairs are summed. */
export function buildInteractions(userCount: number, itemCount: number, triples: ArrayLike<Triple> | Iterable<Triple>): Interactions {
  const list = Array.isArray(triples) ? (triples as Triple[]) : Array.from(triples as Iterable<Triple>);
  // Bucket by user (counting sort), then sort each short row by item: no sort of a million objects.
  const counts = new Int32Array(userCount + 1);
  for (const t of list) {
    if (!(t.user >= 0 && t.user < userCount && t.item >= 0 && t.item < itemCount)) throw new RangeError(`interaction (${t.user}, ${t.item}) is outside ${userCount} × ${itemCount}`);
    counts[t.user + 1]!++;
  }
  for (let u = 0; u < userCount; u++) counts[u + 1]! += counts[u]!;
  const fill = counts.slice(0, userCount);
  const bucketItems = new Int32Array(list.length);
  const bucketWeights = new Float64Array(list.length);
  for (const t of list) {
    const slot = fill[t.user]!++;
    bucketItems[slot] = t.item;
    bucketWeights[slot] = t.weight;
  }
  const rowStart = new Int32Array(userCount + 1);
  const items: number[] = [];
  const weights: number[] = [];
  const users: number[] = [];
  for (let u = 0; u < userCount; u++) {
    const from = counts[u]!;
    const to = counts[u + 1]!;
    const order = Array.from({ length: to - from }, (_, k) => from + k).sort((a, b) => bucketItems[a]! - bucketItems[b]!);
    for (const k of order) {
      const last = items.length - 1;
      if (items.length > rowStart[u]! && items[last] === bucketItems[k]) weights[last]! += bucketWeights[k]!;
      else {
        items.push(bucketItems[k]!);
        weights.push(bucketWeights[k]!);
        users.push(u);
      }
    }
    rowStart[u + 1] = items.length;
  }
  const nnz = items.length;
  const colStart = new Int32Array(itemCount + 1);
  for (let k = 0; k < nnz; k++) colStart[items[k]! + 1]!++;
  for (let i = 0; i < itemCount; i++) colStart[i + 1]! += colStart[i]!;
  const rowItems = Int32Array.from(items);
  const rowWeights = Float32Array.from(weights);
  const colUsers = new Int32Array(nnz);
  const colWeights = new Float32Array(nnz);
  const next = colStart.slice(0, itemCount);
  // Rows are in user order, so each column's users come out sorted too.
  for (let k = 0; k < nnz; k++) {
    const slot = next[items[k]!]!++;
    colUsers[slot] = users[k]!;
    colWeights[slot] = weights[k]!;
  }
  return { userCount, itemCount, rowStart, rowItems, rowWeights, colStart, colUsers, colWeights };
}

/** How many users interacted with each item. */
export function itemPopularity(matrix: Interactions): Int32Array {
  const counts = new Int32Array(matrix.itemCount);
  for (let i = 0; i < matrix.itemCount; i++) counts[i] = matrix.colStart[i + 1]! - matrix.colStart[i]!;
  return counts;
}

/** The items of one user (a view, not a copy). */
export function userItems(matrix: Interactions, user: number): Int32Array {
  return matrix.rowItems.subarray(matrix.rowStart[user]!, matrix.rowStart[user + 1]!);
}

/** The users of one item (a view, not a copy). */
export function itemUsers(matrix: Interactions, item: number): Int32Array {
  return matrix.colUsers.subarray(matrix.colStart[item]!, matrix.colStart[item + 1]!);
}

/**
 * Cosine of two sets given as sorted runs of one or two arrays (a user list per item, a token list
 * per work): |A ∩ B| / √(|A|·|B|), by one merge.
 */
export function sortedSetCosine(a: Int32Array, aFrom: number, aTo: number, b: Int32Array, bFrom: number, bTo: number): number {
  const na = aTo - aFrom;
  const nb = bTo - bFrom;
  if (na <= 0 || nb <= 0) return 0;
  let common = 0;
  for (let i = aFrom, j = bFrom; i < aTo && j < bTo; ) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / Math.sqrt(na * nb);
}
