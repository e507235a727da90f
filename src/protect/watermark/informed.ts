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
import type { Lattice } from './sync.js';

/**
 * Share of the host interference the embedder cancels. Measured on kodak/skimage/wesnoth: 0.6 lifts
 * the weakest images most; cancelling all of it spends too much of the PSNR budget on busy hosts.
 */
const LAMBDA = 0.6;

/** The host's luma at the detector's working size, and its whitened fold under the unresampled lattice. */
export interface HostFold { luma: Float32Array; w: number; h: number; lattice: Lattice; folded: Float64Array }

/**
 * The host as the detector sees an unresampled copy: computed once, it serves both the check for an
 * existing mark (the detector's quick path reads this very fold) and the informed embedding.
 */
export function hostFold(luma: Float32Array, w: number, h: number): HostFold {
  const lattice: Lattice = { a: (TILE * Math.min(w, h)) / WORK_SIDE, b: 0, score: 0 };
  return { luma, w, h, lattice, folded: fold(whiten(luma, w, h), w, h, lattice, foldParams(lattice.a).m) };
}

/**
 * Chip amplitudes for embedding: the nominal ±1 values plus a correction against the host's
 * interference, measured in the detector's own domain (`host` from hostFold; `markFor` renders
 * chip amplitudes into the mark that would be added there, at the gain
 * the PSNR target gives).
 */
export function informedChips(
  host: HostFold, layout: TileLayout, values: Float32Array,
  markFor: (chips: Float32Array) => Float32Array,
): Float32Array {
  const { luma, w, h, lattice, folded } = host;
  const { m, hp } = foldParams(lattice.a);
  const tpl = templates(layout, m, hp);
  const mark = markFor(values);
  const marked = new Float32Array(luma.length);
  for (let i = 0; i < luma.length; i++) marked[i] = luma[i]! + mark[i]!;
  const foldedMarked = fold(whiten(marked, w, h), w, h, lattice, m);
  // Align both folds with the phase the detector would find on the marked image (upright: it was
  // marked so, and a detector that found it turned would read nothing from it anyway).
  const hit = pilotSearch(foldedMarked, m, tpl, true);
  const withMark = chipResponses(align(foldedMarked, m, tpl, hit), m, tpl);
  const hostOnly = chipResponses(align(folded, m, tpl, hit), m, tpl);
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
