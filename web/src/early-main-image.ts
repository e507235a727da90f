import { coverImage, heroImage, type MainImage } from './main-image';
import type { Exhibition, Home } from './types';

/**
 * On a slow phone the page's script takes about a second to arrive and another to render, and only
 * then did the page ask for its largest paint (the home page's hero, an exhibition's cover): one more
 * round trip and the picture's bytes after the render. Here, as the script starts, the page's first
 * API answer (already on its way: the server names it in a preload header with the HTML) is read,
 * and the picture is asked for at once with the srcset and sizes its <img> will have, so the browser
 * uses the same download. The answer is kept for the page's own request, which takes it once
 * (`takeEarlyAnswer`), so nothing is fetched twice.
 */

interface EarlyAnswer {
  status: number;
  text: string;
}

const early = new Map<string, Promise<EarlyAnswer>>();
/** An early answer older than this is not given to the page (it asks again): it may have changed. */
const KEEP_MS = 15_000;
const startedAt = Date.now();

const PAGES: { page: RegExp; api: (m: RegExpExecArray) => string | null; image: (body: unknown) => MainImage | null }[] = [
  { page: /^\/$/, api: () => '/api/showcase/home', image: (body) => heroImage(body as Home) },
  {
    page: /^\/exhibitions\/([^/]+)$/,
    api: (m) => (m[1] === 'new' ? null : `/api/exhibitions/${encodeURIComponent(decodeURIComponent(m[1]!))}`),
    image: (body) => coverImage(body as Exhibition),
  },
];

/** The early answer for a GET of `url` (same path and query), once; null when there is none. */
export function takeEarlyAnswer(url: string): Promise<EarlyAnswer> | null {
  const answer = early.get(url);
  if (!answer) return null;
  early.delete(url);
  return Date.now() - startedAt < KEEP_MS ? answer : null;
}

function preloadImage(image: MainImage): void {
  const link = document.createElement('link');
  link.rel = 'preload';
  link.as = 'image';
  link.href = image.src;
  if (image.srcSet) {
    link.setAttribute('imagesrcset', image.srcSet);
    if (image.sizes) link.setAttribute('imagesizes', image.sizes);
  }
  link.setAttribute('fetchpriority', 'high');
  document.head.appendChild(link);
}

/** Starts the current page's first answer and, when it names one, its main picture. */
export function startEarlyMainImage(pathname: string): void {
  for (const { page, api, image } of PAGES) {
    const match = page.exec(pathname);
    if (!match) continue;
    let url: string | null = null;
    try {
      url = api(match);
    } catch {
      // A malformed escape in the path: the page shows its own error.
    }
    if (!url) return;
    // The same request as the page's own (api.ts `request`), so the server's preload serves it.
    const answer = fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).then(
      async (response) => ({ status: response.status, text: await response.text() }),
    );
    early.set(url, answer);
    answer
      .then(({ status, text }) => {
        if (status !== 200) return;
        const picture = image(JSON.parse(text));
        if (picture) preloadImage(picture);
      })
      // A failed answer is the page's to report (it takes the same promise); a malformed one just gets no preload.
      .catch(() => undefined);
    return;
  }
}
