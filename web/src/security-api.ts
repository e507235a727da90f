/**
 * Strong sign-in's endpoints (issue 15) as the web client calls them: the second sign-in step,
 * two-factor enrolment, one's sessions. Shapes come from the server's contract via api-schema.ts.
 */
import { request } from './api';
import type { components } from './api-schema';
import type { User } from './types';

type Schemas = components['schemas'];

export type TwoFactorStatus = Schemas['TwoFactorStatus'];
export type TotpEnrolment = Schemas['TotpEnrolment'];
export type AccountSession = Schemas['AccountSession'];
export type TwoFactorPolicy = Schemas['TwoFactorPolicy'];
export type MfaChallenge = Schemas['MfaChallenge'];

/** A password sign-in: a session (user), or a challenge for the second step. */
export type LoginAnswer = { user: User } | MfaChallenge;

export const securityApi = {
  login: (username: string, password: string) => request<LoginAnswer>('POST', '/auth/login', { username, password }),
  loginSecondStep: (challenge: string, proof: { code: string } | { recoveryCode: string }) => request<{ user: User }>('POST', '/auth/login/mfa', { challenge, ...proof }),
  status: () => request<TwoFactorStatus>('GET', '/account/mfa'),
  startTotp: () => request<TotpEnrolment>('POST', '/account/mfa/totp'),
  confirmTotp: (code: string) => request<Schemas['RecoveryCodes']>('POST', '/account/mfa/totp/confirm', { code }),
  disableTotp: (proof: { code: string } | { password: string }) => request<{ ok: true }>('DELETE', '/account/mfa/totp', proof),
  sessions: () => request<{ items: AccountSession[] }>('GET', '/account/sessions'),
  revokeSession: (id: string) => request<{ ok: true }>('DELETE', `/account/sessions/${encodeURIComponent(id)}`),
  policy: () => request<TwoFactorPolicy>('GET', '/security/two-factor-policy'),
  setPolicy: (roles: TwoFactorPolicy['roles']) => request<TwoFactorPolicy>('PUT', '/security/two-factor-policy', { roles }),
};
