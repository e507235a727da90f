import { useEffect, useId, useRef, useState } from 'react';
import type OpenSeadragon from 'openseadragon';
import { useI18n } from '../i18n';

interface Props {
  /** URL of a browser-renderable image (the display derivative, else the original). */
  src: string;
  alt: string;
  width?: number | null;
  height?: number | null;
}

/**
 * Deep zoom with OpenSeadragon (loaded only when a work is opened), driven by ordinary buttons so
 * it works from the keyboard; falls back to a plain <img> if the viewer cannot start.
 */
export function ZoomViewer({ src, alt, width, height }: Props) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<OpenSeadragon.Viewer | null>(null);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);
  const helpId = useId();

  useEffect(() => {
    let live = true;
    setFailed(false);
    setReady(false);
    import('openseadragon')
      .then(({ default: OSD }) => {
        if (!live || !container.current) return;
        const instance = OSD({
          element: container.current,
          tileSources: { type: 'image', url: src },
          showNavigationControl: false,
          showNavigator: false,
          visibilityRatio: 0.8,
          minZoomImageRatio: 0.8,
          maxZoomPixelRatio: 4,
          gestureSettingsMouse: { clickToZoom: false },
          animationTime: 0.6,
        });
        instance.addHandler('open', () => live && setReady(true));
        instance.addHandler('open-failed', () => live && setFailed(true));
        viewer.current = instance;
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      viewer.current?.destroy();
      viewer.current = null;
    };
  }, [src]);

  // The canvas takes the keyboard focus (arrows pan, +/- zoom); give it a name and the help text.
  useEffect(() => {
    const canvas = viewer.current?.canvas;
    // role=img makes the label permitted (and announced): the canvas is the picture itself.
    canvas?.setAttribute('role', 'img');
    canvas?.setAttribute('aria-label', alt);
    canvas?.setAttribute('aria-describedby', helpId);
  }, [alt, helpId, ready]);

  const zoom = (factor: number) => {
    const v = viewer.current;
    if (!v) return;
    v.viewport.zoomBy(factor);
    v.viewport.applyConstraints();
  };

  if (failed) {
    return (
      <figure className="viewer viewer-fallback">
        <img src={src} alt={alt} width={width ?? undefined} height={height ?? undefined} />
        <figcaption className="hint">{t('viewer.fallback')}</figcaption>
      </figure>
    );
  }

  return (
    <figure className="viewer" role="group" aria-label={t('viewer.label')}>
      <div className="viewer-canvas" ref={container} />
      <div className="viewer-controls">
        <button type="button" className="icon-button" onClick={() => zoom(1.5)} disabled={!ready} aria-label={t('viewer.zoomIn')} title={t('viewer.zoomIn')}>
          <span aria-hidden="true">+</span>
        </button>
        <button type="button" className="icon-button" onClick={() => zoom(1 / 1.5)} disabled={!ready} aria-label={t('viewer.zoomOut')} title={t('viewer.zoomOut')}>
          <span aria-hidden="true">−</span>
        </button>
        <button type="button" className="icon-button" onClick={() => viewer.current?.viewport.goHome()} disabled={!ready} aria-label={t('viewer.home')} title={t('viewer.home')}>
          <span aria-hidden="true">⤢</span>
        </button>
        <button type="button" className="icon-button" onClick={() => viewer.current?.setFullScreen(!viewer.current.isFullPage())} disabled={!ready} aria-label={t('viewer.fullscreen')} title={t('viewer.fullscreen')}>
          <span aria-hidden="true">⛶</span>
        </button>
      </div>
      <figcaption id={helpId} className="hint">
        {t('viewer.help')}
      </figcaption>
    </figure>
  );
}
