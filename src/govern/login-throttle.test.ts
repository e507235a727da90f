import { describe, expect, it } from 'vitest';
import { clientKey, decideSignIn, delaySeconds, EMPTY_STATE, expiresAt, SIGN_IN_RULES, withoutFailure, type SignInStates, type ThrottleState } from './login-throttle.js';

type World = Map<string, ThrottleState>;

/** Plays attempts against the pure rules as the service would: `right` says whether the password was. */
function attempt(world: World, account: string, client: string, now: number, right: boolean): { ok: boolean; wait: number } {
  const keys = { pair: `pair:${account}:${client}`, client: `client:${client}`, account: `account:${account}` };
  const states: SignInStates = { pair: world.get(keys.pair) ?? EMPTY_STATE, client: world.get(keys.client) ?? EMPTY_STATE, account: world.get(keys.account) ?? EMPTY_STATE };
  const decision = decideSignIn(states, now);
  if (!decision.allowed) {
    if (decision.nextPair) world.set(keys.pair, decision.nextPair);
    return { ok: false, wait: decision.retryAfterSeconds };
  }
  world.set(keys.pair, decision.next.pair);
  world.set(keys.client, decision.next.client);
  world.set(keys.account, decision.next.account);
  if (right) {
    world.delete(keys.pair);
    world.set(keys.client, withoutFailure(decision.next.client));
    world.set(keys.account, withoutFailure(decision.next.account));
  }
  return { ok: right, wait: 0 };
}

describe('sign-in throttle rules', () => {
  it('lets a few typos through, then doubles the wait up to a cap', () => {
    expect(delaySeconds(5, SIGN_IN_RULES.pair)).toBe(0);
    expect(delaySeconds(6, SIGN_IN_RULES.pair)).toBe(1);
    expect(delaySeconds(10, SIGN_IN_RULES.pair)).toBe(16);
    expect(delaySeconds(100, SIGN_IN_RULES.pair)).toBe(15 * 60);
  });

  it('throttles the guessing client and no one else: the right password from elsewhere and other accounts from the same address get in', () => {
    const world: World = new Map();
    let now = 1_000_000;
    // Ten wrong passwords, each sent as soon as the throttle allows (the 7th waits 1 s, the 8th 2 s…).
    for (let failed = 0; failed < 10; ) {
      const result = attempt(world, 'ada', '10.0.0.1', (now += 10), false);
      if (result.wait > 0) now += result.wait * 1000;
      else failed++;
    }
    const blocked = attempt(world, 'ada', '10.0.0.1', (now += 10), true);
    expect(blocked).toEqual({ ok: false, wait: 16 });
    expect(attempt(world, 'ada', '10.0.0.2', (now += 10), true)).toEqual({ ok: true, wait: 0 });
    expect(attempt(world, 'bob', '10.0.0.1', (now += 10), true)).toEqual({ ok: true, wait: 0 });
    // After the wait, the guessing client may try again (and the right password gets in).
    expect(attempt(world, 'ada', '10.0.0.1', now + 16_000, true).ok).toBe(true);
  });

  it('never shuts the owner out: an hour of guessing from a thousand addresses leaves a new address a wait of at most 30 s', () => {
    const world: World = new Map();
    const start = 5_000_000;
    let worst = 0;
    // 1,000 attacking addresses in turn, one guess every 100 ms in all, each retrying as soon as told.
    const retryAt = new Map<string, number>();
    for (let now = start, i = 0; now < start + 3_600_000; now += 100, i++) {
      const ip = `198.51.${(i % 1000) >> 8}.${(i % 1000) & 255}`;
      if ((retryAt.get(ip) ?? 0) > now) continue;
      const result = attempt(world, 'ada', ip, now, false);
      if (!result.ok && result.wait > 0) retryAt.set(ip, now + result.wait * 1000);
      if (i % 6000 === 0) {
        // The owner arrives from a new address, waits as told, and tries again.
        const home = `203.0.113.${i / 6000}`;
        const first = attempt(world, 'ada', home, now, true);
        if (first.ok) continue;
        worst = Math.max(worst, first.wait);
        expect(first.wait).toBeLessThanOrEqual(30);
        expect(attempt(world, 'ada', home, now + first.wait * 1000, true).ok).toBe(true);
      }
    }
    expect(worst).toBeGreaterThan(0); // the account was under attack, so the owner did wait
  });

  it('bounds password spraying from one address across many accounts to about one guess in 30 s', () => {
    const world: World = new Map();
    const start = 9_000_000;
    let guesses = 0;
    let now = start;
    for (let i = 0; now < start + 3_600_000; i++) {
      const result = attempt(world, `user${i}`, '192.0.2.7', now, false);
      if (result.wait === 0) guesses++;
      now += result.wait > 0 ? result.wait * 1000 : 50;
    }
    expect(guesses).toBeGreaterThan(SIGN_IN_RULES.client.free);
    expect(guesses).toBeLessThan(SIGN_IN_RULES.client.free + 3600 / SIGN_IN_RULES.client.decaySeconds + 20);
    // Those accounts from another address are untouched.
    expect(attempt(world, 'user3', '192.0.2.8', now, true).ok).toBe(true);
  });

  it('counts parallel attempts before they are checked, so a burst gets at most the free allowance', () => {
    const world: World = new Map();
    const now = 1_000;
    let through = 0;
    // The same millisecond: none of them has been answered yet.
    for (let i = 0; i < 1000; i++) {
      const d = decideSignIn({ pair: world.get('p') ?? EMPTY_STATE, client: world.get('c') ?? EMPTY_STATE, account: world.get('a') ?? EMPTY_STATE }, now);
      if (!d.allowed) continue;
      world.set('p', d.next.pair).set('c', d.next.client).set('a', d.next.account);
      through++;
    }
    expect(through).toBe(SIGN_IN_RULES.pair.free + 1);
  });

  it('forgets: a row expires once its failures have leaked away', () => {
    const state = { failures: 3, failedAt: 10_000, ticketAt: null };
    expect(expiresAt(state, SIGN_IN_RULES.pair)).toBe(10_000 + 3 * SIGN_IN_RULES.pair.decaySeconds * 1000);
  });

  it('keys IPv6 clients by their /64 and unwraps IPv4-mapped addresses', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});
