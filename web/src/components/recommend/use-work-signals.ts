import { useEffect, useRef } from 'react';
import { recommendApi, sendSignalOnLeave, type SignalKind } from '../../recommend-api';
import type { ViewerHandle } from '../AnnotationViewerContext';

/** A zoom counts once the reader is clearly closer than the whole picture. */
const ZOOMED_IN = 1.25;
/** The server caps dwell at an hour. */
const MAX_DWELL_S = 3600;

/**
 * What a signed-in reader does on a work's page, told to the recommender (which keeps it only with
 * their consent): the view on opening, the time the page was visible when they leave or hide it,
 * the first zoom into the deep-zoom viewer and the first play of audio or video. Anonymous readers
 * send nothing: the server would ignore it.
 */
export function useWorkSignals(workId: string | null, viewer: ViewerHandle | null, signedIn: boolean): void {
  // Kinds already sent for this work on this visit (each counts once a page).
  const sent = useRef<{ workId: string | null; kinds: Set<SignalKind> }>({ workId: null, kinds: new Set() });

  const once = (id: string, kind: SignalKind) => {
    if (sent.current.workId !== id) sent.current = { workId: id, kinds: new Set() };
    if (sent.current.kinds.has(kind)) return;
    sent.current.kinds.add(kind);
    recommendApi.signal(id, kind).catch(() => undefined);
  };

  // The view, then the time spent while the page is visible (sent on hiding and on leaving).
  useEffect(() => {
    if (!workId || !signedIn) return;
    once(workId, 'view');
    let visibleSince: number | null = document.visibilityState === 'visible' ? performance.now() : null;
    let seconds = 0;
    const flush = () => {
      if (visibleSince !== null) seconds += (performance.now() - visibleSince) / 1000;
      visibleSince = null;
      const whole = Math.min(MAX_DWELL_S, Math.round(seconds));
      seconds = 0;
      if (whole >= 1) sendSignalOnLeave(workId, 'dwell', whole);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') flush();
      else visibleSince = performance.now();
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', flush);
      flush();
    };
    // `once` only reads refs.
  }, [workId, signedIn]);

  // The first zoom into the picture (not the viewer fitting it on opening).
  useEffect(() => {
    if (!workId || !signedIn || !viewer || viewer.closed) return;
    const v = viewer.viewer;
    // The event comes as the zoom starts: compare its target, not the picture still animating.
    const onZoom = () => {
      if (v.viewport.getZoom(false) > v.viewport.getHomeZoom() * ZOOMED_IN) once(workId, 'zoom');
    };
    v.addHandler('zoom', onZoom);
    return () => {
      if (!viewer.closed) v.removeHandler('zoom', onZoom);
    };
  }, [workId, signedIn, viewer]);

  // The first play of the work's audio or video ('play' does not bubble, so it is caught on the way down).
  useEffect(() => {
    if (!workId || !signedIn) return;
    const onPlay = (event: Event) => {
      const target = event.target;
      if (target instanceof HTMLMediaElement && target.closest('[data-testid="work-stage"]')) once(workId, 'play');
    };
    document.addEventListener('play', onPlay, true);
    return () => document.removeEventListener('play', onPlay, true);
  }, [workId, signedIn]);
}
