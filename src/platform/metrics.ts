import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client): what the HTTP server and the blob store measure as
 * they go, and gauges read from the database when scraped (job queue, registry), so any API process
 * of a fleet reports the queue as it is, whichever worker runs it.
 */
export interface Metrics {
  registry: Registry;
  /** Seconds per answered request, by method, route pattern (never the raw URL) and status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Seconds per blob store call, by operation and outcome. */
  blobDuration: Histogram<'op' | 'outcome'>;
  /** Adds gauges read when scraped; a failing reader leaves its gauges out of that scrape, never the others. */
  addCollector(collector: Collector): void;
}

/** Gauges a module reads at scrape time (e.g. the job queue from the database). */
export interface Collector {
  name: string;
  help: string;
  labels: string[];
  read(): Promise<{ labels: Record<string, string>; value: number }[]>;
}

/** One registry per process (tests make several apps in one process, so no global registry). */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'wenyuan' });
  // RSS, heap, event-loop lag, GC: the figures an operator sizes a node by.
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'wenyuan_' });
  const httpDuration = new Histogram({
    name: 'wenyuan_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, in seconds',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const blobDuration = new Histogram({
    name: 'wenyuan_blob_store_duration_seconds',
    help: 'Blob store calls by operation and outcome, in seconds',
    labelNames: ['op', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const scrapeFailures = new Counter({ name: 'wenyuan_metrics_collector_failures_total', help: 'Scrape-time readers that failed, by reader', labelNames: ['collector'] as const, registers: [registry] });
  return {
    registry,
    httpDuration,
    blobDuration,
    addCollector(collector) {
      new Gauge({
        name: collector.name,
        help: collector.help,
        labelNames: collector.labels,
        registers: [registry],
        async collect() {
          this.reset();
          try {
            for (const sample of await collector.read()) this.set(sample.labels, sample.value);
          } catch {
            scrapeFailures.inc({ collector: collector.name });
          }
        },
      });
    },
  };
}

/**
 * The store with every promise-returning call timed (a Proxy, so calls the port gains later are
 * timed too); streams are timed only as far as opening them.
 */
export function measureBlobStore<T extends object>(store: T, metrics: Pick<Metrics, 'blobDuration'>): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const stop = metrics.blobDuration.startTimer({ op: property });
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          stop({ outcome: 'error' });
          throw error;
        }
        if (result instanceof Promise) return result.then((v) => (stop({ outcome: 'ok' }), v), (e: unknown) => (stop({ outcome: 'error' }), Promise.reject(e)));
        stop({ outcome: 'ok' });
        return result;
      };
    },
  });
}
