import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import type { FileView, ImageRegion } from '../../types';
import { startDrawing, type LayerImage } from '../AnnotationOverlays';
import { AnnotationViewerContext, type ViewerHandle } from '../AnnotationViewerContext';
import { viewerImage } from '../IiifSources';
import { ZoomViewer } from '../ZoomViewer';
import { regionToViewport } from './story-geometry';

interface Props {
  file: FileView;
  region: ImageRegion | null;
  alt: string;
  onDrawn: (region: ImageRegion) => void;
}

/**
 * The section's picture in the work page's deep-zoom viewer, with the chosen region outlined, and
 * a button that lets the curator drag a new one (the annotation editor's drawing, so the same
 * pixel arithmetic applies: regions are in the original's upright pixels).
 */
export function RegionPicker({ file, region, alt, onDrawn }: Props) {
  const { t } = useI18n();
  const [handle, setHandle] = useState<ViewerHandle | null>(null);
  const [drawing, setDrawing] = useState(false);
  const images = useMemo(() => [viewerImage(file)], [file]);
  const layer: LayerImage[] = useMemo(() => [{ sha256: file.sha256, width: file.width, height: file.height }], [file]);

  useEffect(() => {
    if (!drawing || !handle || handle.closed) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setDrawing(false);
    };
    document.addEventListener('keydown', onKey);
    const stop = startDrawing(handle, layer, (_file, drawn) => {
      setDrawing(false);
      onDrawn(drawn);
    });
    return () => {
      document.removeEventListener('keydown', onKey);
      stop();
    };
  }, [drawing, handle, layer, onDrawn]);

  // The chosen region, outlined over the picture.
  const size = file.width && file.height ? { width: file.width, height: file.height } : null;
  const rect = regionToViewport(region, size, 0);
  useEffect(() => {
    if (!handle || handle.closed || !rect) return;
    const element = document.createElement('div');
    element.className = 'region-outline';
    handle.viewer.addOverlay({ element, location: new handle.OSD.Rect(rect.x, rect.y, rect.width, rect.height) });
    return () => {
      if (!handle.closed) handle.viewer.removeOverlay(element);
    };
  }, [handle, rect?.x, rect?.y, rect?.width, rect?.height]);

  return (
    <div className="region-picker">
      <AnnotationViewerContext.Provider value={setHandle}>
        <ZoomViewer images={images} current={0} alt={alt} />
      </AnnotationViewerContext.Provider>
      <div className="button-row">
        <button type="button" className="button" aria-pressed={drawing} disabled={!handle} onClick={() => setDrawing(!drawing)}>
          {drawing ? t('exhibitions.region.stopDrawing') : t('exhibitions.region.draw')}
        </button>
        {drawing && (
          <span className="hint" role="status">
            {t('exhibitions.region.drawHint')}
          </span>
        )}
      </div>
    </div>
  );
}
