import { CommonErrors } from '../platform/errors.js';
import type { TransferGate } from './transfer-gate.js';

/**
 * The check before a licensed copy leaves (license's `issueUnderGrant` path): the licensee's
 * country is the destination. A licensee who has not said where they are can receive only what may
 * go anywhere; anything else waits until an admin (or they) set the country. An `assess` outcome
 * uses the newest approved assessment that covers the work, the country and the classes (the
 * licensee cannot name one).
 */
export class LicensedCopyGate {
  constructor(
    private readonly deps: {
      gate: TransferGate;
      countryOf: (userId: string) => Promise<string | null>;
    },
  ) {}

  async check(input: { workId: string; licenseeUserId: string; actor: string }): Promise<void> {
    const country = await this.deps.countryOf(input.licenseeUserId);
    if (country) {
      await this.deps.gate.check({ path: 'licensed_copy', destination: country, subject: { workIds: [input.workId] }, findAssessment: true, actor: input.actor });
      return;
    }
    // Unknown: ZZ (ISO's user-assigned "unknown") is foreign to every rule; allowed only if that is allowed.
    const { decision, problem } = await this.deps.gate.evaluate('ZZ', { workIds: [input.workId] }, '');
    if (!problem && decision.outcome === 'allow') {
      await this.deps.gate.check({ path: 'licensed_copy', destination: 'ZZ', subject: { workIds: [input.workId] }, actor: input.actor });
      return;
    }
    const error = CommonErrors.conflict(`licensee ${input.licenseeUserId} has no country on their account; the work's data class needs one before a copy may leave`, { key: 'transfer.country_unknown', params: { userId: input.licenseeUserId } });
    await this.deps.gate.logRefusal({ path: 'licensed_copy', destination: 'ZZ', subject: { workIds: [input.workId] }, actor: input.actor, classes: decision.classes.map((c) => c.dataClass) }, error);
    throw error;
  }
}
