import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * A sortable, URL-safe id: 10 chars of millisecond time + 16 chars of randomness (ULID layout,
 * lower case). Monotonic within a process: ids made in the same millisecond count upwards, so
 * ordering by id keeps the order things were accepted in (the registry sequences in that order).
 */
export function newId(now: number = Date.now()): string {
  let random: number[];
  if (now <= lastTime && lastRandom.length === 16) {
    now = lastTime;
    random = [...lastRandom];
    for (let i = 15; i >= 0; i--) {
      random[i] = (random[i]! + 1) % 32;
      if (random[i] !== 0) break;
    }
  } else {
    const bytes = randomBytes(16);
    // The top digit starts low so that increments within one millisecond never wrap around.
    random = [...bytes].map((b, i) => (i === 0 ? b % 16 : b % 32));
  }
  lastTime = now;
  lastRandom = random;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  return time + random.map((d) => CROCKFORD[d]).join('');
}

/** A secret token (session or API token) with a readable prefix. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}
