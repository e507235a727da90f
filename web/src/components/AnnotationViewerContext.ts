import { createContext } from 'react';
import type OpenSeadragon from 'openseadragon';

/** One image open in the viewer: its index among the viewer's images and the picture OpenSeadragon tiles. */
export interface OpenImage {
  index: number;
  tiledImage: OpenSeadragon.TiledImage;
}

/**
 * An open OpenSeadragon viewer as the annotation layer sees it. `closed` turns true just before the
 * viewer is destroyed, so a layer cleaning up afterwards leaves it alone.
 */
export interface ViewerHandle {
  viewer: OpenSeadragon.Viewer;
  OSD: typeof OpenSeadragon;
  images: readonly OpenImage[];
  closed: boolean;
}

/**
 * Where ZoomViewer reports its viewer once images are open (and null when it closes). A context
 * rather than a prop, so the work page reaches the viewer through WorkMedia without WorkMedia
 * knowing about annotations; without a provider the viewer reports to no one.
 */
export const AnnotationViewerContext = createContext<((handle: ViewerHandle | null) => void) | null>(null);
