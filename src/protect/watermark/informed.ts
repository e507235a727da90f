/**
 * Informed embedding (host-interference rejection, after Malvar & Florêncio's "improved spread
 * spectrum"): the detector decides each chip from the folded, whitened image's correlation with that
 * chip, and the host image contributes to that statistic too. On busy photos that contribution is
 * what sinks detection. The embedder can measure it exactly as the detector will, and bend each
 * chip's amplitude so the host's part is partly cancelled where it opposes the chip's sign.
 */
import { align, chipResponses, fold, foldParams, pilotSearch, templates } from './fold.js';
import { whiten } from './image-ops.js';
import { TILE, WORK_SIDE, type TileLayout } from './keyed-pattern.js';

/**
 * Share of the host interference the embedder cancels. Measured on kodak/skimage/wesnoth: 0.6 lifts
 * the weakest images most; cancelling all of it spends too much of the PSNR budget on busy hosts.
 */
const LAMBDA = 0.6;

/**
 * Chip amplitudes for embedding: the nominal ±1 values plus a correction against the host's
 * interference, measured in the detector's own domain (`host` is the luma at the detector's working
 * size w×h; `markFor` renders chip amplitudes into the mark that would be added there, at the gain
 * the PSNR target gives).
 */
export function informedChips(
  host: Float32Array, w: number, h: number, layout: TileLayout, values: Float32Array,
  markFor: (chips: Float32Array) => Float32Array,
): Float32Array {
  const period = (TILE * Math.min(w, h)) / WORK_SIDE;
  const lattice = { a: period, b: 0, score: 0 };
  const { m, hp } = foldParams(period);
  const tpl = templates(layout, m, hp);
  const mark = markFor(values);
  const marked = new Float32Array(host.length);
  for (let i = 0; i < host.length; i++) marked[i] = host[i]! + mark[i]!;
  const foldedMarked = fold(whiten(marked, w, h), w, h, lattice, m);
  // Align both folds with the phase the detector would find on the marked image.
  const hit = pilotSearch(foldedMarked, m, tpl);
  const withMark = chipResponses(align(foldedMarked, m, tpl, hit), m, tpl);
  const hostOnly = chipResponses(align(fold(whiten(host, w, h), w, h, lattice, m), m, tpl, hit), m, tpl);
  // Response of the mark alone per unit chip amplitude (whitening is close to linear in a weak mark).
  let num = 0, den = 0;
  for (let i = 0; i < values.length; i++) { num += values[i]! * (withMark[i]! - hostOnly[i]!); den += values[i]! * values[i]!; }
  const gain = num / Math.max(den, 1e-12);
  if (!(gain > 0)) return values;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    // s = x + (b − λ·⟨x, u⟩)·u in the folded domain; the tile is renormalised to the PSNR budget later.
    out[i] = values[i]! - (LAMBDA * hostOnly[i]!) / gain;
  }
  return out;
}
