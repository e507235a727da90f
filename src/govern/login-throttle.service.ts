import { createHash } from 'node:crypto';
import { AppError } from '../platform/errors.js';
import { accountKey, clientKey, decideSignIn, expiresAt, SIGN_IN_RULES, withoutFailure, type ThrottleRules, type ThrottleState } from './login-throttle.js';
import type { LoginThrottleRepository } from './login-throttle.repository.js';

const PRUNE_EVERY_MS = 60_000;

/** Keys are hashed: what someone typed as a username (sometimes their password) is not stored. */
function hashed(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/** The error a throttled sign-in answers with (429, with Retry-After from `retryAfterSeconds`). */
export function signInThrottled(retryAfterSeconds: number): AppError {
  return new AppError('rate_limited', `too many failed sign-ins; try again in ${retryAfterSeconds} second(s)`, { key: 'auth.rate_limited', params: { retryAfterSeconds } });
}

/**
 * Throttles sign-in by (account, client), by client and by account (see login-throttle.ts for the
 * rules). The state lives in the database, not in memory: every API node of a fleet and every
 * restart sees the same counts, and an attacker who rotates addresses or usernames grows a table
 * whose rows are deleted once they say nothing (at most a decay period after their last failure),
 * never a process's heap.
 */
export class SignInThrottle {
  private lastPrune = 0;

  constructor(
    private readonly repo: LoginThrottleRepository,
    private readonly rules: ThrottleRules = SIGN_IN_RULES,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Runs `attempt` (the password check) unless the throttle says wait (then a rate_limited error).
   * The attempt counts as a failure before it runs, so a thousand parallel guesses cannot all slip
   * in before the first is counted; `wrong` tells a wrong password from other errors, which are
   * taken back like a success.
   */
  async guard<T>(username: string, ip: string, attempt: () => Promise<T>, wrong: (error: unknown) => boolean): Promise<T> {
    const account = accountKey(username);
    const client = clientKey(ip);
    const keys = { pair: hashed('pair', account, client), client: hashed('client', client), account: hashed('account', account) };
    const now = this.clock();
    const decision = await this.repo.transaction(async (trx) => {
      const states = await this.repo.lock(trx, Object.values(keys));
      const decided = decideSignIn({ pair: states.get(keys.pair)!, client: states.get(keys.client)!, account: states.get(keys.account)! }, now, this.rules);
      if (decided.allowed) {
        await this.repo.save(trx, keys.pair, decided.next.pair, expiresAt(decided.next.pair, this.rules.pair));
        await this.repo.save(trx, keys.client, decided.next.client, expiresAt(decided.next.client, this.rules.client));
        await this.repo.save(trx, keys.account, decided.next.account, expiresAt(decided.next.account, this.rules.account));
      } else {
        if (decided.nextPair) await this.repo.save(trx, keys.pair, decided.nextPair, expiresAt(decided.nextPair, this.rules.pair, this.rules.account.ticketSeconds));
        // A refused attempt leaves no row behind: refusals are cheap, and rotating names must not fill the table.
        for (const kind of ['pair', 'client', 'account'] as const) {
          const state = states.get(keys[kind])!;
          if (!(kind === 'pair' && decided.nextPair) && state.failures === 0 && state.ticketAt === null) await this.repo.remove(trx, keys[kind]);
        }
      }
      return decided;
    });
    await this.pruneNowAndThen(now);
    if (!decision.allowed) throw signInThrottled(decision.retryAfterSeconds);
    let result: T;
    try {
      result = await attempt();
    } catch (error) {
      if (!wrong(error)) await this.takeBack(keys, false);
      throw error;
    }
    await this.takeBack(keys, true);
    return result;
  }

  /** The attempt was not a wrong password: its provisional failure is taken back (a right one also clears its pair). */
  private async takeBack(keys: { pair: string; client: string; account: string }, succeeded: boolean): Promise<void> {
    await this.repo.transaction(async (trx) => {
      const states = await this.repo.lock(trx, Object.values(keys));
      const rules = { pair: this.rules.pair, client: this.rules.client, account: this.rules.account };
      for (const kind of ['pair', 'client', 'account'] as const) {
        const state: ThrottleState = withoutFailure(states.get(keys[kind])!);
        if ((kind === 'pair' && succeeded) || (state.failures <= 0 && state.ticketAt === null)) await this.repo.remove(trx, keys[kind]);
        else await this.repo.save(trx, keys[kind], state, expiresAt(state, rules[kind], kind === 'pair' ? this.rules.account.ticketSeconds : 0));
      }
    });
  }

  private async pruneNowAndThen(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.repo.prune(now).catch(() => undefined); // a missed prune only leaves rows for the next one
  }
}
