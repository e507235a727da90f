/// <reference lib="dom" />
/**
 * Lighthouse-style figures for the public pages (issue 12): for each page on a desktop profile
 * and on a phone profile (390×844, CPU slowed 4×, "slow 4G" network: 150 ms RTT, 1.6 Mbit/s down),
 * a cold load in headless Chromium measures first and largest contentful paint, cumulative layout
 * shift (session windows, as Chrome reports it), total blocking time (long tasks after first paint
 * until the page is quiet), and the serious or critical axe-core (WCAG 2.1 A/AA) violations. A performance score is
 * computed with Lighthouse 10's log-normal curves and weights, without Speed Index (it needs a
 * filmstrip), the other weights scaled to 100.
 *
 * The throttling is DevTools-style (applied to the real load), which is harsher than Lighthouse's
 * default simulation; each figure is the median of BENCH_RUNS cold loads (default 3).
 *
 *   npm run build && node --import tsx bench/showcase.ts        (BENCH_RUNS=3, BENCH_PAGES=home,work,…)
 */
import os from 'node:os';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { axeViolations } from '../test/e2e/axe.js';
import { haveShowcaseData, seedShowcase } from '../test/e2e/showcase-fixture.js';
import { CHROMIUM_ARGS, chromiumPath, startServer, type RunningServer } from '../test/e2e/server-process.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Profile {
  name: 'desktop' | 'phone';
  viewport: { width: number; height: number };
  deviceScaleFactor: number;
  isMobile: boolean;
  cpuSlowdown: number;
  network: { latency: number; downloadThroughput: number; uploadThroughput: number } | null;
  /** Lighthouse 10 scoring control points (ms; CLS unitless). */
  curves: Record<'fcp' | 'lcp' | 'tbt' | 'cls', { p10: number; median: number }>;
}

const PROFILES: Profile[] = [
  {
    name: 'desktop',
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    isMobile: false,
    cpuSlowdown: 1,
    network: null,
    curves: { fcp: { p10: 934, median: 1600 }, lcp: { p10: 1200, median: 2400 }, tbt: { p10: 150, median: 350 }, cls: { p10: 0.1, median: 0.25 } },
  },
  {
    name: 'phone',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    cpuSlowdown: 4,
    network: { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
    curves: { fcp: { p10: 1800, median: 3000 }, lcp: { p10: 2500, median: 4000 }, tbt: { p10: 200, median: 600 }, cls: { p10: 0.1, median: 0.25 } },
  },
];

/** Lighthouse 10 weights without Speed Index (10), rescaled to sum to 1. */
const WEIGHTS = { fcp: 10 / 90, lcp: 25 / 90, tbt: 30 / 90, cls: 25 / 90 };

interface Figures {
  fcp: number;
  lcp: number;
  cls: number;
  tbt: number;
  bytes: number;
  axe: number;
}

/** Collected in the page from the first byte: paints, layout shifts and long tasks. */
function observe(): void {
  const w = window as unknown as { __perf: { lcp: number; fcp: number; shifts: { t: number; v: number }[]; longTasks: { start: number; duration: number }[] } };
  w.__perf = { lcp: 0, fcp: 0, shifts: [], longTasks: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      w.__perf.lcp = Math.max(w.__perf.lcp, e.startTime);
      const el = (e as unknown as { element: Element | null; url: string }).element;
      (w.__perf as unknown as { lcpElement: string }).lcpElement = el ? `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} ${(e as unknown as { url: string }).url.slice(-60)}` : '';
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') w.__perf.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as unknown as { startTime: number; value: number; hadRecentInput: boolean }[]) if (!e.hadRecentInput) w.__perf.shifts.push({ t: e.startTime, v: e.value });
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__perf.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** CLS as Chrome defines it: the largest session window (gaps < 1 s, windows ≤ 5 s). */
export function clsOf(shifts: { t: number; v: number }[]): number {
  let best = 0;
  let current = 0;
  let windowStart = -Infinity;
  let last = -Infinity;
  for (const s of [...shifts].sort((a, b) => a.t - b.t)) {
    if (s.t - last > 1000 || s.t - windowStart > 5000) {
      current = 0;
      windowStart = s.t;
    }
    current += s.v;
    last = s.t;
    best = Math.max(best, current);
  }
  return best;
}

/** Lighthouse's log-normal score of a metric value (1 = at or better than p10 … 0.5 at the median). */
export function logNormalScore({ p10, median }: { p10: number; median: number }, value: number): number {
  if (value <= 0) return 1;
  const INVERSE_ERFC_ONE_FIFTH = 0.9062938533204153;
  const standardized = (Math.log(value / median) * INVERSE_ERFC_ONE_FIFTH) / -Math.log(p10 / median);
  return Math.min(1, Math.max(0, erfc(standardized) / 2));
}

/** Complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + z / 2);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

async function measure(browser: Browser, profile: Profile, url: string, lang: string): Promise<Figures> {
  const context: BrowserContext = await browser.newContext({ viewport: profile.viewport, deviceScaleFactor: profile.deviceScaleFactor, isMobile: profile.isMobile, hasTouch: profile.isMobile, locale: lang, bypassCSP: true });
  await context.addInitScript(`try { localStorage.setItem('wenyuan.lang', ${JSON.stringify(lang)}); } catch {}`);
  await context.addInitScript(observe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (profile.network) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
  if (profile.cpuSlowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  // Quiet: no network for a while (images, API answers), then a little more for late paints.
  await page.waitForLoadState('networkidle', { timeout: 120_000 }).catch(() => undefined);
  await page.waitForTimeout(1500);
  const perf = await page.evaluate(() => (window as unknown as { __perf: { lcp: number; fcp: number; shifts: { t: number; v: number }[]; longTasks: { start: number; duration: number }[] } }).__perf);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  // BENCH_WATERFALL=1: what the page waited on (each resource's start and end, ms), for one look at a slow page.
  if (process.env.BENCH_WATERFALL) {
    const entries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ name: e.name.replace(location.origin, ''), start: Math.round(e.startTime), end: Math.round((e as PerformanceResourceTiming).responseEnd), size: (e as PerformanceResourceTiming).encodedBodySize })));
    console.log(`-- ${profile.name} ${lang} ${url}: FCP ${Math.round(perf.fcp)} LCP ${Math.round(perf.lcp)} (${(perf as unknown as { lcpElement?: string }).lcpElement ?? ''})`);
    for (const e of entries) console.log(`   ${String(e.start).padStart(5)} → ${String(e.end).padStart(5)}  ${String(e.size).padStart(7)}  ${e.name.slice(0, 100)}`);
    for (const t of perf.longTasks) console.log(`   long task ${Math.round(t.start)} + ${Math.round(t.duration)}`);
  }
  const tbt = perf.longTasks.filter((t) => t.start + t.duration > perf.fcp).reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
  const axe = (await axeViolations(page)).length;
  await context.close();
  return { fcp: perf.fcp, lcp: perf.lcp || perf.fcp, cls: clsOf(perf.shifts), tbt, bytes, axe };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const browserPath = chromiumPath();
  if (!browserPath || !haveShowcaseData()) throw new Error('needs Debian chromium and ../shared/data');
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer();
    const fixture = await seedShowcase(server, 'bench-password-123');
    const pages: [string, string][] = [
      ['home', '/'],
      ['catalogue', '/works'],
      ['work', `/works/${fixture.paintingId}`],
      ['exhibition', `/exhibitions/${fixture.exhibition.slug}`],
      ['timeline', '/browse/time'],
      ['map', '/browse/map'],
    ];
    // BENCH_PAGES=home,exhibition measures only those (a quick look after a change; RESULTS.md has full runs).
    const only = process.env.BENCH_PAGES?.split(',');
    if (only) pages.splice(0, pages.length, ...pages.filter(([name]) => only.includes(name)));
    browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
    // One warm-up load so the server's caches (derivatives, tiles) are as a visitor after the first finds them.
    for (const [, path] of pages) await measure(browser, PROFILES[0]!, server.url + path, 'en');
    console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; runs per cell: ${RUNS}`);
    console.log('| page | profile | lang | perf score | FCP ms | LCP ms | TBT ms | CLS | transferred KiB | axe violations |');
    console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, path] of pages) {
      for (const profile of PROFILES) {
        for (const lang of ['zh-Hans', 'en']) {
          const runs: Figures[] = [];
          for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, profile, server.url + path, lang));
          const f: Figures = { fcp: median(runs.map((r) => r.fcp)), lcp: median(runs.map((r) => r.lcp)), cls: median(runs.map((r) => r.cls)), tbt: median(runs.map((r) => r.tbt)), bytes: median(runs.map((r) => r.bytes)), axe: Math.max(...runs.map((r) => r.axe)) };
          const score = Math.round(100 * (WEIGHTS.fcp * logNormalScore(profile.curves.fcp, f.fcp) + WEIGHTS.lcp * logNormalScore(profile.curves.lcp, f.lcp) + WEIGHTS.tbt * logNormalScore(profile.curves.tbt, f.tbt) + WEIGHTS.cls * logNormalScore(profile.curves.cls, f.cls)));
          const spread = `${Math.round(Math.min(...runs.map((r) => r.lcp)))}–${Math.round(Math.max(...runs.map((r) => r.lcp)))}`;
          console.log(`| ${name} | ${profile.name} | ${lang} | ${score} | ${Math.round(f.fcp)} | ${Math.round(f.lcp)} (${spread}) | ${Math.round(f.tbt)} | ${f.cls.toFixed(3)} | ${Math.round(f.bytes / 1024)} | ${f.axe} |`);
        }
      }
    }
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
