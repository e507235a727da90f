import { Redis } from 'ioredis';

/** Where a fleet's API processes keep their rate-limit counts in common (WENYUAN_REDIS_URL). */
export interface RateLimitStore {
  /** The ioredis client @fastify/rate-limit counts in (its own Lua script: one INCR + PEXPIRE per check). */
  client: Redis;
  /** Whether the store is connected and answering now. */
  up(): boolean;
  /** Connects (first use); resolves whether or not it succeeded, within the connect timeout. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

interface Logger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/**
 * Opens the shared rate-limit store. Redis away never makes a request wait: commands are not queued
 * while disconnected and time out after `commandTimeoutMs`, and the limiters let such requests
 * through (fail open, `skipOnError`), so an outage costs the fleet its limits, never its answers.
 * One warning per outage, one line when it is back.
 */
export function openRateLimitStore(url: string, options: { logger?: Logger; commandTimeoutMs?: number } = {}): RateLimitStore {
  const client = new Redis(url, {
    // Workers never count requests: no connection until an HTTP server asks for one.
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    // Keep trying in the background, at most every 5 s; requests meanwhile are not limited.
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    options.logger?.warn({ err: error.message }, 'rate-limit store (Redis) unreachable: requests are let through unlimited until it is back');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    options.logger?.info({}, 'rate-limit store (Redis) is back: rate limits apply again');
  });
  return {
    client,
    up: () => client.status === 'ready',
    async connect() {
      if (client.status !== 'wait') return;
      // Bounded: a server that accepts the connection but never answers must not hold up the start.
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 3_000)));
      await Promise.race([client.connect().catch(() => undefined), giveUp]);
      clearTimeout(timer);
    },
    async close() {
      if (client.status === 'end') return;
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
