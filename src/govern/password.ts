import { hash, verify } from '@node-rs/argon2';
import { AppError, CommonErrors } from '../platform/errors.js';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes); tuned for a small museum server.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export const MAX_PASSWORD_LENGTH = 1024;

/** What is wrong with a new password (invalid_input), or null when it is acceptable. */
export function passwordError(password: string): AppError | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return CommonErrors.invalid(`password must be at least ${MIN_PASSWORD_LENGTH} characters`, { key: 'password.too_short', params: { min: MIN_PASSWORD_LENGTH } });
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return CommonErrors.invalid(`password must be at most ${MAX_PASSWORD_LENGTH} characters`, { key: 'password.too_long', params: { max: MAX_PASSWORD_LENGTH } });
  }
  return null;
}

/** Says what is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  return passwordError(password)?.message ?? null;
}
