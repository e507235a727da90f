import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type OpenSeadragon from 'openseadragon';
import { useI18n } from '../../i18n';
import type { PixelRect, PixelSize } from '../AnnotationGeometry';
import { infoJsonUrl, regionToViewport, type ViewportRect } from './story-geometry';
import { MinusIcon, PlusIcon, TargetIcon } from '../icons';

/** What the image pane shows for the current section: one image and the part of it to look at. */
export interface StoryFrame {
  /** Identifies the picture (work and file): a new one is faded in, the same one is flown over. */
  imageKey: string;
  service: string | null;
  display: string | null;
  /** The original's upright size, which regions are given in. */
  size: PixelSize | null;
  region: PixelRect | null;
  alt: string;
}

interface Props {
  frame: StoryFrame | null;
  /** The reader asked for less motion: jump to each view instead of flying. */
  reducedMotion: boolean;
}

const FADE_MS = 450;

/**
 * The story's deep-zoom pane: one OpenSeadragon viewer (loaded on first use) that stays while the
 * reader scrolls. Each section's picture is opened over the previous one and faded in; within the
 * same picture the view flies to the section's region (or the whole image). Plain mouse wheel and
 * one-finger swipes scroll the page (cooperative gestures); Ctrl/⌘ + wheel and two fingers zoom, and
 * the buttons zoom from the keyboard. When neither the IIIF tiles nor the display copy open, the
 * display copy (or nothing) is shown as a plain picture.
 */
/** Writes the viewport the viewer shows (x,y,w,h in viewport units) on its element as `data-view`. */
function recordView(viewer: OpenSeadragon.Viewer): void {
  const b = viewer.viewport.getBounds(true);
  if (viewer.element) viewer.element.dataset.view = [b.x, b.y, b.width, b.height].map((n) => n.toFixed(4)).join(',');
}

export function StoryViewer({ frame, reducedMotion }: Props) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<OpenSeadragon.Viewer | null>(null);
  const osd = useRef<typeof OpenSeadragon | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const helpId = useId();
  // The picture open (or opening) now, and its tiled image once open.
  const openKey = useRef<string | null>(null);
  const openItem = useRef<OpenSeadragon.TiledImage | null>(null);
  const frameRef = useRef(frame);
  frameRef.current = frame;
  const motionRef = useRef(reducedMotion);
  motionRef.current = reducedMotion;
  const hints = useRef({ scroll: '', touch: '' });
  hints.current = { scroll: t('exhibitions.viewer.scrollHint'), touch: t('exhibitions.viewer.touchHint') };

  /** The viewport rectangle of the current frame on an open item: its region, else the whole picture. */
  const targetOf = useCallback((item: OpenSeadragon.TiledImage, current: StoryFrame): ViewportRect => {
    const rect = regionToViewport(current.region, current.size);
    if (rect) return rect;
    const bounds = item.getBounds();
    return { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
  }, []);

  const look = useCallback(
    (immediately: boolean) => {
      const v = viewer.current;
      const OSD = osd.current;
      const item = openItem.current;
      const current = frameRef.current;
      if (!v || !OSD || !item || !current) return;
      const r = targetOf(item, current);
      v.viewport.fitBounds(new OSD.Rect(r.x, r.y, r.width, r.height), immediately || motionRef.current);
      if (immediately || motionRef.current) recordView(v);
    },
    [targetOf],
  );

  // One viewer for the life of the page.
  useEffect(() => {
    let live = true;
    import('openseadragon')
      .then(({ default: OSD }) => {
        if (!live || !container.current) return;
        osd.current = OSD;
        const options = {
          element: container.current,
          showNavigationControl: false,
          showNavigator: false,
          visibilityRatio: 0.5,
          minZoomImageRatio: 0.6,
          maxZoomPixelRatio: 3,
          // A slow, even glide between sections (OpenSeadragon's default spring is brisk for a story).
          animationTime: 1.6,
          springStiffness: 5,
          gestureSettingsMouse: { clickToZoom: false, scrollToZoom: true },
          cooperativeGestures: true,
          crossOriginPolicy: 'Anonymous',
          // 2D canvas, not WebGL: smooth on machines without a GPU (see ZoomViewer).
          drawer: 'canvas',
        };
        const instance = OSD(options as OpenSeadragon.Options);
        // The typings predate cooperative gestures and their event.
        const on = instance.addHandler.bind(instance) as unknown as (name: string, handler: (event: { gesture?: string; message?: string }) => void) => void;
        on('canvas-cooperative-gesture', (event) => {
          event.message = event.gesture === 'scroll' ? hints.current.scroll : hints.current.touch;
        });
        // Where the view came to rest, on the element: what a reader sees, checkable from outside (the end-to-end test).
        instance.addHandler('animation-finish', () => recordView(instance));
        viewer.current = instance;
        setReady(true);
      })
      .catch(() => live && setFailed('viewer'));
    return () => {
      live = false;
      viewer.current?.destroy();
      viewer.current = null;
      openKey.current = null;
      openItem.current = null;
    };
  }, []);

  // A new picture: open it over the old one and fade it in (at once with reduced motion).
  const imageKey = frame?.imageKey ?? null;
  useEffect(() => {
    const v = viewer.current;
    const current = frameRef.current;
    if (!ready || !v || !current || openKey.current === imageKey) return;
    openKey.current = imageKey;
    const sources: (string | { type: 'image'; url: string })[] = [];
    if (current.service) sources.push(infoJsonUrl(current.service));
    if (current.display) sources.push({ type: 'image', url: current.display });
    let cancelled = false;
    let frameId = 0;
    const attempt = (index: number) => {
      const tileSource = sources[index];
      if (!tileSource) {
        setFailed(imageKey);
        return;
      }
      const instant = motionRef.current;
      v.addTiledImage({
        tileSource,
        opacity: instant ? 1 : 0,
        success: (event) => {
          const item = (event as unknown as { item: OpenSeadragon.TiledImage }).item;
          if (cancelled || openKey.current !== imageKey) {
            v.world.removeItem(item);
            return;
          }
          const previous = openItem.current;
          openItem.current = item;
          setFailed(null);
          look(true);
          const done = () => {
            for (let i = v.world.getItemCount() - 1; i >= 0; i--) {
              const other = v.world.getItemAt(i);
              if (other !== item) v.world.removeItem(other);
            }
          };
          if (instant || !previous) {
            item.setOpacity(1);
            done();
            return;
          }
          const start = performance.now();
          const step = (now: number) => {
            const p = Math.min(1, (now - start) / FADE_MS);
            item.setOpacity(p);
            if (p < 1 && !cancelled) frameId = requestAnimationFrame(step);
            else done();
          };
          frameId = requestAnimationFrame(step);
        },
        error: () => {
          if (!cancelled && openKey.current === imageKey) attempt(index + 1);
        },
      });
    };
    setFailed(null);
    attempt(0);
    return () => {
      cancelled = true;
      cancelAnimationFrame(frameId);
    };
  }, [ready, imageKey, look]);

  // The same picture, another section: fly to its region.
  const regionKey = frame?.region ? `${frame.region.x},${frame.region.y},${frame.region.width},${frame.region.height}` : 'whole';
  useEffect(() => {
    if (openKey.current === imageKey && openItem.current) look(false);
  }, [regionKey, imageKey, look]);

  // The canvas takes the keyboard (arrows pan, +/- zoom): name it as the picture it shows.
  useEffect(() => {
    const canvas = viewer.current?.canvas;
    canvas?.setAttribute('role', 'img');
    canvas?.setAttribute('aria-label', frame?.alt ?? '');
    canvas?.setAttribute('aria-describedby', helpId);
  }, [frame?.alt, helpId, ready]);

  const zoom = (factor: number) => {
    const v = viewer.current;
    if (!v) return;
    v.viewport.zoomBy(factor);
    v.viewport.applyConstraints(motionRef.current);
  };

  const plain = frame && failed !== null && (failed === frame.imageKey || failed === 'viewer') ? frame.display : null;
  return (
    <div className="story-viewer" data-state={!frame ? 'empty' : plain ? 'plain' : 'zoom'}>
      <div className="story-viewer-canvas" ref={container} hidden={Boolean(plain) || !frame} />
      {plain && <img className="story-viewer-plain" src={plain} alt={frame?.alt ?? ''} />}
      {frame && !plain && (
        <div className="story-viewer-controls">
          <button type="button" className="icon-button" onClick={() => zoom(1.5)} disabled={!ready} aria-label={t('viewer.zoomIn')} title={t('viewer.zoomIn')}>
            <PlusIcon />
          </button>
          <button type="button" className="icon-button" onClick={() => zoom(1 / 1.5)} disabled={!ready} aria-label={t('viewer.zoomOut')} title={t('viewer.zoomOut')}>
            <MinusIcon />
          </button>
          <button type="button" className="icon-button" onClick={() => look(false)} disabled={!ready} aria-label={t('exhibitions.viewer.reset')} title={t('exhibitions.viewer.reset')}>
            <TargetIcon />
          </button>
        </div>
      )}
      <p id={helpId} className="visually-hidden">
        {t('viewer.help')}
      </p>
    </div>
  );
}
