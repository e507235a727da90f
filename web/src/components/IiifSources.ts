import { viewingDirectionValues } from '../api-schema';
import type { MessageKey } from '../i18n';
import type { FileView, WorkMetadata } from '../types';

/**
 * What the work page's viewer can show for each image and in which order it tries it. Pure: no IO,
 * no DOM, so the fallback order, the handscroll layout and the filmstrip's direction are tested
 * without a browser.
 */

export type ViewingDirection = NonNullable<WorkMetadata['viewingDirection']>;

/** One image as the viewer sees it. */
export interface ViewerImage {
  /** IIIF Image API 3.0 service id, or null when the server offers none. */
  service: string | null;
  /** The display copy (a browser-renderable JPEG/WebP of at most 2048 px), or null. */
  display: string | null;
  /** What a plain <img> shows when no deep zoom starts: display copy, else a browser-drawable original, else the thumbnail. */
  plain: string | null;
  /** Pixel size of the original, to lay several images side by side before their info.json arrive. */
  width: number | null;
  height: number | null;
}

/** One way to open OpenSeadragon: IIIF tiles from an info.json, or a single picture. */
export type TileAttempt = { kind: 'iiif'; infoJson: string } | { kind: 'image'; url: string };

/** An item of the side-by-side (handscroll) view: where it sits in viewport units, the height of every item being 1. */
export interface PlacedImage {
  index: number;
  infoJson: string;
  x: number;
  width: number;
}

// What browsers draw in <img>; TIFF and others wait for the server's display derivative.
const BROWSER_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);

/** The viewer's view of a work file. */
export function viewerImage(file: FileView): ViewerImage {
  const display = file.derivatives.display?.url ?? null;
  const original = file.url && BROWSER_IMAGES.has(file.mediaType) ? file.url : null;
  return {
    service: file.iiif?.service ?? null,
    display,
    plain: display ?? original ?? file.derivatives.thumbnail?.url ?? null,
    width: file.width,
    height: file.height,
  };
}

/** The info.json of an Image API service id (tolerating a trailing slash). */
export function infoJsonUrl(service: string): string {
  return `${service.replace(/\/+$/, '')}/info.json`;
}

/** The deep-zoom attempts for one image, best first: IIIF tiles, then the display copy; the plain <img> comes after all. */
export function zoomAttempts(image: ViewerImage): TileAttempt[] {
  const attempts: TileAttempt[] = [];
  if (image.service) attempts.push({ kind: 'iiif', infoJson: infoJsonUrl(image.service) });
  if (image.display) attempts.push({ kind: 'image', url: image.display });
  return attempts;
}

/**
 * A handscroll made of several scans as one continuous strip: every image scaled to the same height,
 * the first at the right end and the others following to its left (right-to-left reading). Null when
 * an image lacks a IIIF service or its size, since the strip cannot be laid out without both.
 */
export function rightToLeftRow(images: readonly ViewerImage[]): PlacedImage[] | null {
  if (images.length < 2) return null;
  const widths: number[] = [];
  for (const image of images) {
    if (!image.service || !image.width || !image.height) return null;
    widths.push(image.width / image.height);
  }
  const total = widths.reduce((sum, w) => sum + w, 0);
  let right = total;
  return images.map((image, index) => {
    const width = widths[index]!;
    right -= width;
    return { index, infoJson: infoJsonUrl(image.service!), x: right, width };
  });
}

/** What the viewer is doing now: one OpenSeadragon source, a handscroll row, or a plain <img>. */
export type ViewerPlan = { kind: 'zoom'; attempt: TileAttempt } | { kind: 'row'; placed: PlacedImage[] } | { kind: 'plain'; src: string | null; tried: boolean };

const ROW_KEY = 'row';
const attemptKey = (attempt: TileAttempt) => (attempt.kind === 'iiif' ? `iiif:${attempt.infoJson}` : `image:${attempt.url}`);

/** A plan's identity: the viewer reopens when it changes, and records it among the failures when it fails. */
export function planKey(plan: ViewerPlan): string {
  return plan.kind === 'row' ? ROW_KEY : plan.kind === 'zoom' ? attemptKey(plan.attempt) : 'plain';
}

/**
 * What to show given the plans that already failed (by `planKey`): the side-by-side row, else the
 * first untried deep-zoom source of the current image (IIIF tiles, then the display copy), else the
 * plain image.
 */
export function viewerPlan(images: readonly ViewerImage[], current: number, row: boolean, failed: ReadonlySet<string>): ViewerPlan {
  const placed = row && !failed.has(ROW_KEY) ? rightToLeftRow(images) : null;
  if (placed) return { kind: 'row', placed };
  const image = images[current] ?? images[0];
  if (!image) return { kind: 'plain', src: null, tried: false };
  const attempts = zoomAttempts(image);
  const attempt = attempts.find((a) => !failed.has(attemptKey(a)));
  // `tried`: deep zoom was possible and failed; otherwise the copies are still being made.
  return attempt ? { kind: 'zoom', attempt } : { kind: 'plain', src: image.plain, tried: attempts.length > 0 };
}

/** Which way the filmstrip runs and how it is drawn. */
export interface StripLayout {
  /** `rtl` puts the first image at the right while the DOM (and screen readers) keep reading order. */
  dir: 'ltr' | 'rtl';
  vertical: boolean;
  /** Bottom-to-top: the first image at the bottom. */
  reversed: boolean;
}

/** The filmstrip layout of a viewing direction (unset reads left to right). */
export function stripLayout(direction: ViewingDirection | undefined): StripLayout {
  switch (direction) {
    case 'right-to-left':
      return { dir: 'rtl', vertical: false, reversed: false };
    case 'top-to-bottom':
      return { dir: 'ltr', vertical: true, reversed: false };
    case 'bottom-to-top':
      return { dir: 'ltr', vertical: true, reversed: true };
    default:
      return { dir: 'ltr', vertical: false, reversed: false };
  }
}

/**
 * The image an arrow (or Home/End) key moves to in a strip of `count`, or null when the key is not
 * the strip's: the arrow pointing the way the strip reads goes to the next image, so on a handscroll
 * ← is "next".
 */
export function stripStep(key: string, current: number, count: number, direction: ViewingDirection | undefined): number | null {
  if (count < 1) return null;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  const forward: Record<ViewingDirection, string> = { 'left-to-right': 'ArrowRight', 'right-to-left': 'ArrowLeft', 'top-to-bottom': 'ArrowDown', 'bottom-to-top': 'ArrowUp' };
  const backward: Record<ViewingDirection, string> = { 'left-to-right': 'ArrowLeft', 'right-to-left': 'ArrowRight', 'top-to-bottom': 'ArrowUp', 'bottom-to-top': 'ArrowDown' };
  const way = direction ?? 'left-to-right';
  if (key === forward[way]) return Math.min(count - 1, current + 1);
  if (key === backward[way]) return Math.max(0, current - 1);
  return null;
}

/**
 * The IIIF drag-and-drop link (https://iiif.io/guides/finding_resources/): the manifest with itself
 * as the `manifest` parameter, which Mirador and Universal Viewer read when the link is dropped on
 * them. Written out as the convention shows, unless the URL holds characters that would break the
 * query, then encoded.
 */
export function dragAndDropHref(manifest: string): string {
  const value = /[?&#\s]/.test(manifest) ? encodeURIComponent(manifest) : manifest;
  const base = manifest.split('#')[0]!;
  return `${base}${base.includes('?') ? '&' : '?'}manifest=${value}`;
}

/** The coded values in the order the select offers them (from the OpenAPI document, never retyped). */
export const VIEWING_DIRECTIONS: readonly ViewingDirection[] = viewingDirectionValues;

const LABEL_KEYS = {
  'left-to-right': 'viewingDirection.left-to-right',
  'right-to-left': 'viewingDirection.right-to-left',
  'top-to-bottom': 'viewingDirection.top-to-bottom',
  'bottom-to-top': 'viewingDirection.bottom-to-top',
} as const satisfies Record<ViewingDirection, MessageKey>;

/** The message key naming a viewing direction. */
export function viewingDirectionKey(direction: ViewingDirection): MessageKey {
  return LABEL_KEYS[direction];
}

/** The value of the select as a metadata field: a coded value, or undefined for "not set" (and anything else). */
export function parseViewingDirection(value: string): ViewingDirection | undefined {
  return VIEWING_DIRECTIONS.find((d) => d === value);
}

/** Metadata with the viewing direction set, or removed when undefined; the rest untouched. */
export function withViewingDirection(metadata: WorkMetadata, direction: ViewingDirection | undefined): WorkMetadata {
  const { viewingDirection: _previous, ...rest } = metadata;
  return direction ? { ...rest, viewingDirection: direction } : rest;
}
