import { type Interactions } from './interactions.js';
import type { Scorer } from './scorer.js';
import { invertSpd } from './spd-inverse.js';

/**
 * EASE (Steck 2019): a closed-form item-item model, B = I − P·diag(1/diag P) with P = (XᵀX + λI)⁻¹
 * and a zero diagonal; a user's scores are x_u·B.
 *
 * Where users are fewer than items (most museum logs, and both public test sets), P comes from the
 * Woodbury identity, P = (I − Xᵀ K X)/λ with K = (XXᵀ + λI)⁻¹, a users × users inverse; for a training
 * user u the product x_u·P reduces to K_u·X, so scoring is one sparse pass and B is never formed.
 * Otherwise P is the items × items inverse itself. Either way the model is exact, not approximated.
 */
export class EaseScorer implements Scorer {
  readonly name = 'EASE';
  private readonly inverse: Float64Array;
  /** diag(P), by item. */
  private readonly pDiagonal: Float64Array;
  private readonly userSide: boolean;

  constructor(
    private readonly matrix: Interactions,
    readonly lambda: number,
    /** Which inverse to form; by default the smaller. */
    side: 'user' | 'item' = matrix.userCount < matrix.itemCount ? 'user' : 'item',
  ) {
    if (!(lambda > 0)) throw new RangeError('EASE needs λ > 0');
    this.userSide = side === 'user';
    this.pDiagonal = new Float64Array(matrix.itemCount);
    this.inverse = this.userSide ? this.fitUserSide() : this.fitItemSide();
  }

  private fitUserSide(): Float64Array {
    const { userCount: n, itemCount, colStart, colUsers, colWeights } = this.matrix;
    // XXᵀ + λI, accumulated item by item over the pairs of users who share it.
    const m = new Float64Array(n * n);
    for (let i = 0; i < itemCount; i++) {
      for (let a = colStart[i]!; a < colStart[i + 1]!; a++) {
        const u = colUsers[a]!;
        const wu = colWeights[a]!;
        const row = u * n;
        for (let b = colStart[i]!; b < colStart[i + 1]!; b++) m[row + colUsers[b]!]! += wu * colWeights[b]!;
      }
    }
    for (let u = 0; u < n; u++) m[u * n + u]! += this.lambda;
    const k = invertSpd(m, n);
    // diag(P)_j = (1 − x_jᵀ K x_j) / λ over the users x_j of item j.
    for (let j = 0; j < itemCount; j++) {
      let quad = 0;
      for (let a = colStart[j]!; a < colStart[j + 1]!; a++) {
        const row = colUsers[a]! * n;
        const wa = colWeights[a]!;
        for (let b = colStart[j]!; b < colStart[j + 1]!; b++) quad += wa * k[row + colUsers[b]!]! * colWeights[b]!;
      }
      this.pDiagonal[j] = (1 - quad) / this.lambda;
    }
    return k;
  }

  private fitItemSide(): Float64Array {
    const { itemCount: n, userCount, rowStart, rowItems, rowWeights } = this.matrix;
    const g = new Float64Array(n * n);
    for (let u = 0; u < userCount; u++) {
      for (let a = rowStart[u]!; a < rowStart[u + 1]!; a++) {
        const row = rowItems[a]! * n;
        const wa = rowWeights[a]!;
        for (let b = rowStart[u]!; b < rowStart[u + 1]!; b++) g[row + rowItems[b]!]! += wa * rowWeights[b]!;
      }
    }
    for (let i = 0; i < n; i++) g[i * n + i]! += this.lambda;
    const p = invertSpd(g, n);
    for (let i = 0; i < n; i++) this.pDiagonal[i] = p[i * n + i]!;
    return p;
  }

  scoreUser(user: number, out: Float64Array): void {
    const { matrix } = this;
    out.fill(0);
    // xP: K_u·X (user side) or Σ_i x_ui P_i (item side).
    if (this.userSide) {
      const n = matrix.userCount;
      const kRow = user * n;
      for (let v = 0; v < n; v++) {
        const kv = this.inverse[kRow + v]!;
        for (let a = matrix.rowStart[v]!; a < matrix.rowStart[v + 1]!; a++) out[matrix.rowItems[a]!]! += kv * matrix.rowWeights[a]!;
      }
    } else {
      const n = matrix.itemCount;
      for (let a = matrix.rowStart[user]!; a < matrix.rowStart[user + 1]!; a++) {
        const row = matrix.rowItems[a]! * n;
        const w = matrix.rowWeights[a]!;
        for (let j = 0; j < n; j++) out[j]! += w * this.inverse[row + j]!;
      }
    }
    // s_j = x_uj − (xP)_j / P_jj: the own-item term cancels, which is B's zero diagonal.
    for (let j = 0; j < matrix.itemCount; j++) out[j] = -out[j]! / this.pDiagonal[j]!;
    for (let a = matrix.rowStart[user]!; a < matrix.rowStart[user + 1]!; a++) out[matrix.rowItems[a]!]! += matrix.rowWeights[a]!;
  }

  /** Row i of B (what holding item i says of each item), item side only; B_ii = 0. */
  itemRow(i: number, out: Float64Array): void {
    if (this.userSide) throw new Error('EASE rows need the item-side inverse');
    const n = this.matrix.itemCount;
    for (let j = 0; j < n; j++) out[j] = j === i ? 0 : -this.inverse[i * n + j]! / this.pDiagonal[j]!;
  }
}
