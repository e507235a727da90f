import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses after the limit within the window and allows again once it has passed', () => {
    const throttle = new LoginThrottle(3, 60_000);
    const keys = ['user:ada', 'ip:10.0.0.1'];
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds(keys, 1000 + i)).toBe(0);
      throttle.recordFailure(keys, 1000 + i);
    }
    expect(throttle.retryAfterSeconds(keys, 2000)).toBe(59);
    expect(throttle.retryAfterSeconds(['user:ada'], 61_001)).toBe(0);
  });

  it('counts keys separately and forgets a user after a successful sign-in', () => {
    const throttle = new LoginThrottle(2, 60_000);
    throttle.recordFailure(['user:ada'], 0);
    throttle.recordFailure(['user:ada'], 1);
    expect(throttle.retryAfterSeconds(['user:ada'], 2)).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds(['user:bob'], 2)).toBe(0);
    throttle.reset('user:ada');
    expect(throttle.retryAfterSeconds(['user:ada'], 3)).toBe(0);
  });
});
