import type { AuditRecorder } from '../govern/audit.service.js';
import type { Actor } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { PrivacyRepository } from './privacy.repository.js';

export const PURPOSES = ['recommendations', 'analytics', 'email'] as const;
export type Purpose = (typeof PURPOSES)[number];

const NOTICE_KEY = 'privacy.notice';

/** The privacy notice: a version and its text per language (null: the built-in text of the web catalogues). */
export interface PrivacyNotice {
  version: number;
  text: Record<string, string> | null;
  updatedAt: string | null;
}

export interface ConsentState {
  purpose: Purpose;
  granted: boolean;
  /** When decided; null: never asked. */
  at: string | null;
  /** The notice version the decision was made under (null: decided elsewhere or never). */
  noticeVersion: number | null;
  /** False when the decision predates the current notice (the account page asks again). */
  current: boolean;
}

/** Discover's recommendation consent: the one source of truth for the `recommendations` purpose. */
export interface RecommendationConsentPort {
  consent(actor: Actor): Promise<{ consented: boolean; since: string | null }>;
  setConsent(actor: Actor, consented: boolean): Promise<unknown>;
}

/**
 * Consent per purpose, recorded with time and notice version (append-only history), and the privacy
 * notice. Every method acts on the signed-in person themself: there is no way to name someone else.
 */
export class ConsentService {
  constructor(
    private readonly deps: { repo: PrivacyRepository; recommendations: RecommendationConsentPort; audit: AuditRecorder; now?: () => Date },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async notice(): Promise<PrivacyNotice> {
    const row = await this.deps.repo.setting(NOTICE_KEY);
    if (!row) return { version: 1, text: null, updatedAt: null };
    const stored = JSON.parse(row.value) as { version: number; text: Record<string, string> | null };
    return { version: stored.version, text: stored.text, updatedAt: row.updatedAt };
  }

  /** Publishes a new notice version (admins): consents given under older versions are asked again. */
  async publishNotice(actorId: string, text: Record<string, string> | null): Promise<PrivacyNotice> {
    const current = await this.notice();
    const next = { version: current.version + 1, text };
    await this.deps.repo.putSetting(NOTICE_KEY, JSON.stringify(next), this.now().toISOString());
    await this.deps.audit.record({ actor: actorId, action: 'settings.change', target: { type: 'setting', id: NOTICE_KEY }, details: { version: next.version } });
    return this.notice();
  }

  /** The person's current decision for each purpose. */
  async states(actor: Actor): Promise<{ noticeVersion: number; needsReview: boolean; consents: ConsentState[] }> {
    const user = requireSelf(actor);
    const notice = await this.notice();
    const history = await this.deps.repo.consentHistory(user);
    const latest = new Map<string, (typeof history)[number]>();
    for (const row of history) latest.set(row.purpose, row);
    const recommendation = await this.deps.recommendations.consent(actor);
    const consents = PURPOSES.map((purpose): ConsentState => {
      const row = latest.get(purpose);
      if (purpose === 'recommendations') {
        // Discover holds the state; our record says under which notice, if it agrees with that state.
        const agrees = row !== undefined && Boolean(row.granted) === recommendation.consented;
        const at = agrees ? row.at : recommendation.since;
        const version = agrees ? row.notice_version : null;
        return { purpose, granted: recommendation.consented, at, noticeVersion: version, current: version === notice.version };
      }
      return row
        ? { purpose, granted: Boolean(row.granted), at: row.at, noticeVersion: row.notice_version, current: row.notice_version === notice.version }
        : { purpose, granted: false, at: null, noticeVersion: null, current: false };
    });
    return { noticeVersion: notice.version, needsReview: consents.some((c) => !c.current), consents };
  }

  /**
   * Records the person's decisions under notice `noticeVersion` (which must be the current one: a
   * decision about a text the person did not see is refused). Unchanged purposes are recorded too,
   * confirming them under the new notice.
   */
  async decide(actor: Actor, noticeVersion: number, decisions: Partial<Record<Purpose, boolean>>, ip?: string): Promise<{ noticeVersion: number; needsReview: boolean; consents: ConsentState[] }> {
    const user = requireSelf(actor);
    const notice = await this.notice();
    if (noticeVersion !== notice.version) {
      throw new AppError('conflict', `these choices were made under privacy notice version ${noticeVersion}; the current version is ${notice.version} — read it and choose again`, { key: 'privacy.notice_changed', params: { version: noticeVersion, current: notice.version } });
    }
    const at = this.now().toISOString();
    for (const purpose of PURPOSES) {
      const granted = decisions[purpose];
      if (granted === undefined) continue;
      // Discover first: if it fails, no history claims a decision that did not take effect.
      if (purpose === 'recommendations') await this.deps.recommendations.setConsent(actor, granted);
      await this.deps.repo.appendConsent({ user_id: user, purpose, granted: granted ? 1 : 0, notice_version: noticeVersion, at });
      await this.deps.audit.record({ actor: user, action: 'consent.change', target: { type: 'user', id: user }, details: { purpose, granted, notice: noticeVersion }, ...(ip ? { ip } : {}) });
    }
    return this.states(actor);
  }

  /** Whether the person agreed to a purpose now (for the modules that send email or count visits). */
  async granted(userId: string, purpose: Exclude<Purpose, 'recommendations'>): Promise<boolean> {
    const history = await this.deps.repo.consentHistory(userId);
    const last = history.filter((r) => r.purpose === purpose).at(-1);
    return Boolean(last?.granted);
  }

  /** The history, for the person's data export. */
  async exportOf(userId: string): Promise<{ history: { purpose: string; granted: boolean; noticeVersion: number | null; at: string }[] }> {
    const history = await this.deps.repo.consentHistory(userId);
    return { history: history.map((r) => ({ purpose: r.purpose, granted: Boolean(r.granted), noticeVersion: r.notice_version, at: r.at })) };
  }
}

function requireSelf(actor: Actor): string {
  if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
  return actor.id;
}
