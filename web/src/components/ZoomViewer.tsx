import { useCallback, useContext, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type OpenSeadragon from 'openseadragon';
import { useI18n } from '../i18n';
import { AnnotationViewerContext, type OpenImage, type ViewerHandle } from './AnnotationViewerContext';
import { planKey, viewerPlan, type PlacedImage, type ViewerImage } from './IiifSources';
import { FullscreenIcon, TargetIcon, ZoomInIcon, ZoomOutIcon } from './icons';

interface Props {
  /** Every image the viewer may show (one for most works). */
  images: readonly ViewerImage[];
  /** The image shown, or in the side-by-side view the one brought into view. */
  current: number;
  alt: string;
  /** Lay all images side by side, first at the right (a handscroll), when each has a IIIF service. */
  row?: boolean;
  /** Drawn under the controls, inside the figure, so it stays on screen in full-screen mode (the filmstrip). */
  footer?: ReactNode;
  /** Drawn beside the canvas instead (a vertical filmstrip). */
  side?: ReactNode;
  /** Side by side, the reader panned to another image: the filmstrip follows. */
  onCurrentChange?: (index: number) => void;
}

const isTyping = (target: EventTarget) => target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
/** Which of the viewer's images each opened item is: a row's items by where they were placed (they may load in any order). */
function openImages(viewer: OpenSeadragon.Viewer, current: number, placed: readonly PlacedImage[] | null): OpenImage[] {
  const items: OpenImage[] = [];
  for (let i = 0; i < viewer.world.getItemCount(); i++) {
    const tiledImage = viewer.world.getItemAt(i);
    if (!placed) {
      items.push({ index: current, tiledImage });
      continue;
    }
    const x = tiledImage.getBounds().x;
    const nearest = placed.reduce((best, p) => (Math.abs(p.x - x) < Math.abs(best.x - x) ? p : best));
    items.push({ index: nearest.index, tiledImage });
  }
  return items;
}

const isFullScreenKey = (e: { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean }) => (e.key === 'f' || e.key === 'F') && !e.ctrlKey && !e.altKey && !e.metaKey;

/**
 * Deep zoom with OpenSeadragon (loaded only when a work is opened) over the server's IIIF Image API,
 * driven by ordinary buttons so it works from the keyboard. When an info.json does not load it falls
 * back to the 2048 px display copy, and then to a plain <img>; a handscroll's scans lie side by side.
 */
export function ZoomViewer({ images, current, alt, row = false, footer, side, onCurrentChange }: Props) {
  const { t } = useI18n();
  const figure = useRef<HTMLElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<OpenSeadragon.Viewer | null>(null);
  const osd = useRef<typeof OpenSeadragon | null>(null);
  const [failed, setFailed] = useState<ReadonlySet<string>>(() => new Set());
  const [ready, setReady] = useState(false);
  const [fullScreen, setFullScreenState] = useState(false);
  // Keys OSD already acted on, so the figure's own handler does not toggle a second time as they bubble.
  const handled = useRef(new WeakSet<Event>());
  const helpId = useId();

  const plan = viewerPlan(images, current, row, failed);
  const key = planKey(plan);
  // The latest values, for OpenSeadragon's handlers, which live as long as the viewer.
  const planRef = useRef(plan);
  planRef.current = plan;
  const currentRef = useRef(current);
  currentRef.current = current;
  const onCurrentChangeRef = useRef(onCurrentChange);
  onCurrentChangeRef.current = onCurrentChange;
  // The image the reader panned to, so that reporting it does not pull the view back to its whole.
  const panned = useRef<number | null>(null);
  // The annotation layer of the work page, told when images are open (none elsewhere).
  const overlayHost = useContext(AnnotationViewerContext);
  const overlayHostRef = useRef(overlayHost);
  overlayHostRef.current = overlayHost;

  const toggleFullScreen = useCallback(() => {
    if (document.fullscreenElement) {
      void document.exitFullscreen();
    } else if (figure.current?.requestFullscreen) {
      // The whole figure, so the buttons and the filmstrip stay usable.
      figure.current.requestFullscreen().catch(() => viewer.current?.setFullScreen(true));
    } else {
      // No Fullscreen API (iPhone Safari): OpenSeadragon's full-page mode instead.
      viewer.current?.setFullScreen(!viewer.current.isFullPage());
    }
  }, []);

  useEffect(() => {
    const onChange = () => setFullScreenState(document.fullscreenElement !== null && document.fullscreenElement === figure.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  useEffect(() => {
    const current = planRef.current;
    if (current.kind === 'plain') return;
    let live = true;
    let handle: ViewerHandle | null = null;
    const fail = () => {
      if (!live) return;
      live = false;
      setFailed((before) => new Set(before).add(key));
    };
    setReady(false);
    import('openseadragon')
      .then(({ default: OSD }) => {
        if (!live || !container.current) return;
        osd.current = OSD;
        const instance = OSD({
          element: container.current,
          tileSources: current.kind === 'zoom' ? (current.attempt.kind === 'iiif' ? current.attempt.infoJson : { type: 'image', url: current.attempt.url }) : undefined,
          showNavigationControl: false,
          showNavigator: false,
          visibilityRatio: 0.8,
          minZoomImageRatio: 0.8,
          maxZoomPixelRatio: 4,
          gestureSettingsMouse: { clickToZoom: false },
          animationTime: 0.6,
          // 2D canvas, not WebGL: one image (or a row) needs no GPU compositing, and on machines without
          // a GPU (a county centre's old PC, a VM, headless Chromium) WebGL falls back to a software
          // renderer that spends ~130 ms a frame; the canvas drawer stays smooth there.
          drawer: 'canvas',
        });
        instance.addHandler('open', () => {
          if (!live) return;
          setReady(true);
          if (!overlayHostRef.current || !osd.current) return;
          handle = { viewer: instance, OSD: osd.current, images: openImages(instance, currentRef.current, current.kind === 'row' ? current.placed : null), closed: false };
          overlayHostRef.current(handle);
        });
        instance.addHandler('open-failed', fail);
        // `f` is OpenSeadragon's flip; here it means full screen, as the help text says.
        instance.addHandler('canvas-key', (event) => {
          const original = event.originalEvent as globalThis.KeyboardEvent;
          if (!isFullScreenKey(original)) return;
          event.preventDefaultAction = true;
          handled.current.add(original);
          toggleFullScreen();
        });
        viewer.current = instance;
        if (current.kind === 'row') {
          const placed = current.placed;
          instance.addHandler('animation-finish', () => {
            const centre = instance.viewport.getCenter(true).x;
            const under = placed.find((p) => centre >= p.x && centre < p.x + p.width);
            if (!under || under.index === currentRef.current) return;
            panned.current = under.index;
            onCurrentChangeRef.current?.(under.index);
          });
          // One missing scan would leave a gap in the scroll: any failure falls back to one image at a time.
          instance.open(current.placed.map((p) => ({ tileSource: p.infoJson, x: p.x, y: 0, width: p.width, error: fail })));
        }
      })
      .catch(fail);
    return () => {
      live = false;
      if (handle) {
        handle.closed = true;
        overlayHostRef.current?.(null);
      }
      viewer.current?.destroy();
      viewer.current = null;
    };
  }, [key, toggleFullScreen]);

  // Side by side, choosing an image in the filmstrip brings it into view instead of reopening the viewer.
  useEffect(() => {
    const v = viewer.current;
    const OSD = osd.current;
    const now = planRef.current;
    const placed = now.kind === 'row' ? now.placed.find((p) => p.index === current) : undefined;
    if (!ready || !v || !OSD || !placed) return;
    if (panned.current === current) {
      panned.current = null;
      return;
    }
    v.viewport.fitBounds(new OSD.Rect(placed.x, 0, placed.width, 1));
  }, [current, ready, key]);

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

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (!isFullScreenKey(event) || isTyping(event.target) || handled.current.has(event.nativeEvent)) return;
    event.preventDefault();
    toggleFullScreen();
  };

  if (plan.kind === 'plain') {
    return (
      <figure className="viewer viewer-fallback">
        {plan.src && <img src={plan.src} alt={alt} width={images[current]?.width ?? undefined} height={images[current]?.height ?? undefined} />}
        <figcaption className="hint">{plan.src && plan.tried ? t('viewer.fallback') : t('viewer.preparing')}</figcaption>
        {side}
        {footer}
      </figure>
    );
  }

  const canvas = (
    <div
      className="viewer-canvas"
      ref={container}
      data-plan={plan.kind === 'row' ? 'row' : plan.attempt.kind}
      style={fullScreen || side ? { flex: '1 1 auto', minWidth: 0, ...(fullScreen ? { height: 'auto' } : {}) } : undefined}
    />
  );
  const fullScreenLabel = fullScreen ? t('viewer.exitFullscreen') : t('viewer.fullscreen');
  return (
    <figure
      className="viewer"
      role="group"
      aria-label={t('viewer.label')}
      ref={figure}
      onKeyDown={onKeyDown}
      // styles.css sizes the canvas for the page; in full screen it takes what the controls leave.
      style={fullScreen ? { display: 'flex', flexDirection: 'column', width: '100%', height: '100%', borderRadius: 0 } : undefined}
    >
      {side ? (
        <div style={{ display: 'flex', ...(fullScreen ? { flex: '1 1 auto' } : {}) }}>
          {canvas}
          {side}
        </div>
      ) : (
        canvas
      )}
      <div className="viewer-controls">
        <button type="button" className="icon-button" onClick={() => zoom(1.5)} disabled={!ready} aria-label={t('viewer.zoomIn')} title={t('viewer.zoomIn')}>
          <ZoomInIcon />
        </button>
        <button type="button" className="icon-button" onClick={() => zoom(1 / 1.5)} disabled={!ready} aria-label={t('viewer.zoomOut')} title={t('viewer.zoomOut')}>
          <ZoomOutIcon />
        </button>
        <button type="button" className="icon-button" onClick={() => viewer.current?.viewport.goHome()} disabled={!ready} aria-label={t('viewer.home')} title={t('viewer.home')}>
          <TargetIcon />
        </button>
        <button type="button" className="icon-button" onClick={toggleFullScreen} disabled={!ready} aria-label={fullScreenLabel} title={`${fullScreenLabel} (F)`} aria-keyshortcuts="F">
          <FullscreenIcon />
        </button>
      </div>
      <figcaption id={helpId} className="hint">
        {t('viewer.help')} {t('viewer.helpFullscreen')}
      </figcaption>
      {footer}
    </figure>
  );
}
