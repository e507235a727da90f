import { isIPv4, isIPv6 } from 'node:net';

/**
 * The sign-in throttle's rules, as pure functions of stored state and the time (the service keeps
 * the state in the database). Three kinds of key, each a leaky bucket of failures with a wait that
 * doubles past a free allowance:
 * - an (account, client) pair: someone guessing one account from one place — waits grow to 15 min;
 * - a client across accounts (password spraying): looser, so one office behind one address is not
 *   stopped by a few colleagues' typos;
 * - an account across clients: only slows. A client that comes to an account under attack is given
 *   a ticket for a short wait (≤ 30 s) and passes when it comes back, whatever others do meanwhile,
 *   so the right password from a new place always gets through.
 */

export interface ThrottleRule {
  /** Failures allowed before any wait. */
  free: number;
  /** The first wait, doubled with each further failure… */
  baseSeconds: number;
  /** …up to this. */
  maxSeconds: number;
  /** One failure is forgotten per this many seconds (the bucket leaks). */
  decaySeconds: number;
}

export interface ThrottleRules {
  pair: ThrottleRule;
  client: ThrottleRule;
  /** `ticketSeconds`: how long a matured ticket stays good. */
  account: ThrottleRule & { ticketSeconds: number };
}

export const SIGN_IN_RULES: ThrottleRules = {
  pair: { free: 5, baseSeconds: 1, maxSeconds: 15 * 60, decaySeconds: 30 * 60 },
  client: { free: 50, baseSeconds: 1, maxSeconds: 10 * 60, decaySeconds: 30 },
  account: { free: 20, baseSeconds: 2, maxSeconds: 30, decaySeconds: 120, ticketSeconds: 10 * 60 },
};

/** A key's state; times in epoch milliseconds. */
export interface ThrottleState {
  /** Failures as of `failedAt` (the provisional one of an attempt in progress included). */
  failures: number;
  failedAt: number;
  /** Pair keys only: when this client may pass the gate of an account under attack. */
  ticketAt: number | null;
}

export const EMPTY_STATE: ThrottleState = { failures: 0, failedAt: 0, ticketAt: null };

/** The failures still remembered at `now`. */
export function remembered(state: ThrottleState, rule: ThrottleRule, now: number): number {
  return Math.max(0, state.failures - Math.max(0, now - state.failedAt) / (rule.decaySeconds * 1000));
}

/** The wait (seconds) that follows `failures` failures. */
export function delaySeconds(failures: number, rule: ThrottleRule): number {
  if (failures <= rule.free) return 0;
  return Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** (failures - rule.free - 1));
}

/** Milliseconds before this key allows another attempt (0: now). */
export function waitMs(state: ThrottleState, rule: ThrottleRule, now: number): number {
  return Math.max(0, state.failedAt + delaySeconds(state.failures, rule) * 1000 - now);
}

/** The state after one more failure at `now`. */
export function withFailure(state: ThrottleState, rule: ThrottleRule, now: number): ThrottleState {
  return { ...state, failures: remembered(state, rule, now) + 1, failedAt: now };
}

/** The state with the last (provisional) failure taken back: the attempt turned out right. */
export function withoutFailure(state: ThrottleState): ThrottleState {
  return { ...state, failures: Math.max(0, state.failures - 1) };
}

/** When the state says nothing any more (failures forgotten, wait over, ticket lapsed): it may be deleted then. */
export function expiresAt(state: ThrottleState, rule: ThrottleRule, ticketSeconds = 0): number {
  return Math.max(
    state.failedAt + state.failures * rule.decaySeconds * 1000,
    state.failedAt + delaySeconds(state.failures, rule) * 1000,
    state.ticketAt === null ? 0 : state.ticketAt + ticketSeconds * 1000,
  );
}

export interface SignInStates {
  pair: ThrottleState;
  client: ThrottleState;
  account: ThrottleState;
}

export type SignInDecision =
  /** Go ahead: `next` counts this attempt as failed until the password proves right. */
  | { allowed: true; next: SignInStates }
  /** Wait; `next`, when set, is a pair state holding a new ticket. */
  | { allowed: false; retryAfterSeconds: number; nextPair: ThrottleState | null };

/** Whether a sign-in attempt may go ahead now, and the states to store either way. */
export function decideSignIn(states: SignInStates, now: number, rules: ThrottleRules = SIGN_IN_RULES): SignInDecision {
  const wait = Math.max(waitMs(states.pair, rules.pair, now), waitMs(states.client, rules.client, now));
  if (wait > 0) return refuse(wait, null);
  let pair = states.pair;
  const gate = delaySeconds(remembered(states.account, rules.account, now), rules.account) * 1000;
  if (gate > 0) {
    const ticket = pair.ticketAt;
    if (ticket !== null && ticket > now) return refuse(ticket - now, null);
    const fresh = ticket !== null && now - ticket <= rules.account.ticketSeconds * 1000;
    if (!fresh) {
      const issued = { ...pair, ticketAt: now + gate };
      return refuse(gate, issued);
    }
  }
  if (pair.ticketAt !== null) pair = { ...pair, ticketAt: null }; // one ticket, one attempt
  return {
    allowed: true,
    next: { pair: withFailure(pair, rules.pair, now), client: withFailure(states.client, rules.client, now), account: withFailure(states.account, rules.account, now) },
  };
}

function refuse(ms: number, nextPair: ThrottleState | null): SignInDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)), nextPair };
}

/** The account part of a key: usernames compare trimmed, NFC and case-folded, so variants share one bucket. */
export function accountKey(username: string): string {
  return username.trim().normalize('NFC').toLowerCase();
}

/**
 * The client part of a key: an IPv4 address as is (IPv4-mapped IPv6 too), an IPv6 address by its
 * /64 — one host is usually given a whole /64, and must not get a fresh bucket per address.
 */
export function clientKey(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return bare;
  const groups = expandIPv6(bare);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === null ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}
