import { useCallback, useEffect, useState } from 'react';
import { excludeList, newSeed, recommendApi, type RecommendationItem, type RecommendationMode } from '../../recommend-api';
import { useSession } from '../../session';
import { useApi } from '../../use-api';

const MODE_KEY = 'wenyuan.recommend.mode';
const SLIDER_KEY = 'wenyuan.recommend.slider';
/** How long the slider rests before the list is asked for again (arrow keys move it step by step). */
const SLIDER_DEBOUNCE_MS = 350;

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** The slider's stored position, on its 0.25 steps; 0.5 when none. */
function storedSlider(): number {
  const value = Number(stored(SLIDER_KEY));
  return stored(SLIDER_KEY) !== null && Number.isFinite(value) && value >= 0 && value <= 1 ? Math.round(value * 4) / 4 : 0.5;
}

/**
 * The state of a recommendation list: the reader's mode (remembered in this browser), the
 * familiar ↔ explore slider (shown at once, asked for after a pause), "something different"
 * (a new seed, excluding what was shown) and "not interested" (removed at once, the signal sent
 * for signed-in readers, and kept out of later lists).
 */
export function useFeed(limit: number, enabled = true) {
  const { user } = useSession();
  const [preferredMode, setPreferredMode] = useState<RecommendationMode>(() => (stored(MODE_KEY) === 'general' ? 'general' : 'personal'));
  const [slider, setSliderNow] = useState(storedSlider);
  const [requestedSlider, setRequestedSlider] = useState(slider);
  const [round, setRound] = useState<{ exclude: string[]; seed: number | undefined }>({ exclude: [], seed: undefined });
  const [dismissed, setDismissed] = useState<string[]>([]);

  useEffect(() => {
    if (requestedSlider === slider) return;
    const timer = window.setTimeout(() => {
      setRequestedSlider(slider);
      setRound({ exclude: [], seed: undefined });
    }, SLIDER_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [slider, requestedSlider]);

  const key = enabled && user !== undefined ? JSON.stringify([user?.id ?? '', preferredMode, requestedSlider, round.seed ?? null, round.exclude, limit]) : '';
  const feed = useApi(
    () =>
      key === ''
        ? Promise.resolve(null)
        : recommendApi.feed({ mode: preferredMode, slider: requestedSlider, limit, exclude: excludeList([...round.exclude, ...dismissed]), ...(round.seed !== undefined ? { seed: round.seed } : {}) }),
    key,
    true,
  );

  const setSlider = useCallback((value: number) => {
    setSliderNow(value);
    store(SLIDER_KEY, String(value));
  }, []);

  const setMode = useCallback((mode: RecommendationMode) => {
    setPreferredMode(mode);
    store(MODE_KEY, mode);
    setRound({ exclude: [], seed: undefined });
  }, []);

  const items: RecommendationItem[] = (feed.data?.items ?? []).filter((item) => !dismissed.includes(item.work.id));

  const different = useCallback(() => {
    setRound((before) => ({ exclude: excludeList([...before.exclude, ...items.map((i) => i.work.id)]), seed: newSeed() }));
  }, [items]);

  const notInterested = useCallback(
    (item: RecommendationItem) => {
      setDismissed((before) => [...before, item.work.id]);
      // Only a signed-in reader's signal can be recorded; the server would ignore the rest.
      if (user) recommendApi.signal(item.work.id, 'not_interested').catch(() => undefined);
    },
    [user],
  );

  return { feed, items, preferredMode, setMode, slider, setSlider, different, notInterested, signedIn: Boolean(user) };
}
