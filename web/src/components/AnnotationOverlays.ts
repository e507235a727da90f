import { dragRect, padded, regionToTiled, tiledToRegion, type PixelRect, type PixelSize } from './AnnotationGeometry';
import type { Annotation } from './AnnotationModel';
import type { OpenImage, ViewerHandle } from './AnnotationViewerContext';

/**
 * What the annotation layer does to an open OpenSeadragon viewer: outline regions, zoom to one, let
 * an editor drag a new one. Each function that changes the viewer returns its undo. Regions are
 * scaled between the original's pixels and the tiled picture's (AnnotationGeometry.ts).
 */

/** The viewer's images in its order (the work's image files): sha256 and the original's size when known. */
export interface LayerImage {
  sha256: string;
  width: number | null;
  height: number | null;
}

/** The open item showing a file, if it is open. */
export function openItemOf(handle: ViewerHandle, images: readonly LayerImage[], file: string): OpenImage | undefined {
  return handle.images.find((item) => images[item.index]?.sha256 === file);
}

/** The original's size, or the tiled picture's when the server did not say (then regions are taken as they are). */
function originalSize(item: OpenImage, image: LayerImage | undefined): PixelSize {
  const content = item.tiledImage.getContentSize();
  return image?.width && image.height ? { width: image.width, height: image.height } : { width: content.x, height: content.y };
}

function viewportRect(handle: ViewerHandle, item: OpenImage, image: LayerImage | undefined, region: PixelRect) {
  const r = regionToTiled(region, originalSize(item, image), item.tiledImage.getContentSize().x);
  return item.tiledImage.imageToViewportRectangle(new handle.OSD.Rect(r.x, r.y, r.width, r.height));
}

export interface OverlayOptions {
  selected: string | null;
  /** The accessible name of an annotation's outline. */
  label: (annotation: Annotation) => string;
  onSelect: (id: string) => void;
}

/** Outlines every annotation on an open image, coloured by type (styles.css); returns what removes them. */
export function showOverlays(handle: ViewerHandle, images: readonly LayerImage[], annotations: readonly Annotation[], options: OverlayOptions): () => void {
  const { viewer, OSD } = handle;
  const added: { element: HTMLElement; tracker: { destroy: () => void } }[] = [];
  for (const annotation of annotations) {
    const item = openItemOf(handle, images, annotation.file);
    if (!item) continue;
    const element = document.createElement('button');
    element.type = 'button';
    element.className = `annotation-box annotation-${annotation.type}${annotation.id === options.selected ? ' is-selected' : ''}`;
    element.setAttribute('aria-label', options.label(annotation));
    element.setAttribute('aria-pressed', annotation.id === options.selected ? 'true' : 'false');
    element.title = options.label(annotation);
    // The list beside the viewer is the keyboard's way in; one tab stop per seal inside the canvas would be many.
    element.tabIndex = -1;
    element.dataset.annotationId = annotation.id;
    viewer.addOverlay({ element, location: viewportRect(handle, item, images[item.index], annotation.region) });
    // OpenSeadragon takes the pointer on its canvas; its tracker tells a click from the start of a pan.
    const tracker = new OSD.MouseTracker({ element, clickHandler: () => options.onSelect(annotation.id) });
    added.push({ element, tracker });
  }
  return () => {
    for (const { element, tracker } of added) {
      tracker.destroy();
      if (!handle.closed) viewer.removeOverlay(element);
    }
  };
}

/** Zooms to an annotation with a margin around it; false when its image is not open in this viewer. */
export function zoomToAnnotation(handle: ViewerHandle, images: readonly LayerImage[], annotation: Annotation, immediately = false): boolean {
  const item = openItemOf(handle, images, annotation.file);
  if (!item || handle.closed) return false;
  handle.viewer.viewport.fitBoundsWithConstraints(viewportRect(handle, item, images[item.index], padded(annotation.region, 0.4)), immediately);
  return true;
}

/**
 * Lets the reader drag a rectangle over the picture (panning is off meanwhile): a layer over the
 * canvas takes the pointer and draws the rubber band; on release the rectangle, read back on the
 * image under the drag's start, is handed over in original pixels. Returns what ends drawing.
 */
export function startDrawing(handle: ViewerHandle, images: readonly LayerImage[], onDrawn: (file: string, region: PixelRect) => void): () => void {
  const { viewer, OSD } = handle;
  const layer = document.createElement('div');
  layer.className = 'annotation-draw-layer';
  const band = document.createElement('div');
  band.className = 'annotation-draw-band';
  band.hidden = true;
  layer.append(band);
  viewer.container.append(layer);
  viewer.setMouseNavEnabled(false);

  let start: { x: number; y: number } | null = null;
  const local = (event: PointerEvent) => {
    const box = layer.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  const toImage = (item: OpenImage, p: { x: number; y: number }) => item.tiledImage.viewportToImageCoordinates(viewer.viewport.viewerElementToViewportCoordinates(new OSD.Point(p.x, p.y)));
  const inside = (item: OpenImage, p: { x: number; y: number }) => {
    const q = toImage(item, p);
    const size = item.tiledImage.getContentSize();
    return q.x >= 0 && q.y >= 0 && q.x <= size.x && q.y <= size.y;
  };

  const down = (event: PointerEvent) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    layer.setPointerCapture(event.pointerId);
    start = local(event);
    Object.assign(band.style, { left: `${start.x}px`, top: `${start.y}px`, width: '0px', height: '0px' });
    band.hidden = false;
  };
  const move = (event: PointerEvent) => {
    if (!start) return;
    event.stopPropagation();
    const r = dragRect(start, local(event));
    Object.assign(band.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.width}px`, height: `${r.height}px` });
  };
  const up = (event: PointerEvent) => {
    if (!start) return;
    event.stopPropagation();
    const from = start;
    const to = local(event);
    start = null;
    band.hidden = true;
    // A click without a drag is not a region.
    if (Math.abs(to.x - from.x) < 3 || Math.abs(to.y - from.y) < 3) return;
    const item = handle.images.find((i) => inside(i, from)) ?? handle.images.find((i) => inside(i, to));
    const image = item ? images[item.index] : undefined;
    if (!item || !image) return;
    const a = toImage(item, from);
    const b = toImage(item, to);
    const region = tiledToRegion(dragRect(a, b), originalSize(item, image), item.tiledImage.getContentSize().x);
    if (region) onDrawn(image.sha256, region);
  };
  layer.addEventListener('pointerdown', down);
  layer.addEventListener('pointermove', move);
  layer.addEventListener('pointerup', up);
  layer.addEventListener('pointercancel', () => {
    start = null;
    band.hidden = true;
  });
  return () => {
    layer.remove();
    if (!handle.closed) viewer.setMouseNavEnabled(true);
  };
}
