// What a decision costs: fixed amounts to pay now, and percentage shares owed on revenue.
import type { Decision } from './evaluate.js';
import type { Party } from './policy.schema.js';

/** Thrown when one decision asks for payment in more than one currency (the caller must quote them apart). */
export class MixedCurrencyError extends Error {
  readonly code = 'mixed_currencies';
  constructor(readonly currencies: string[]) {
    super(`the duties ask for payment in ${currencies.join(' and ')}; a price must be in one currency`);
  }
}

/** The price an Offer's decision asks (sum of compensate amounts; must be one currency) or null when free. */
export function priceOf(decision: Decision): { minor: number; currency: string } | null {
  let minor = 0;
  let currency: string | null = null;
  for (const duty of decision.duties) {
    if (duty.action !== 'compensate' || !duty.amount) continue;
    if (currency !== null && currency !== duty.amount.currency) throw new MixedCurrencyError([currency, duty.amount.currency]);
    currency = duty.amount.currency;
    minor += duty.amount.minor;
  }
  return currency === null ? null : { minor, currency };
}

/** The percentage duties (e.g. 5 % to a custodian fund) a decision carries, as {party, basisPoints}. */
export function shareDuties(decision: Decision): { party: Party; basisPoints: number }[] {
  const out: { party: Party; basisPoints: number }[] = [];
  for (const duty of decision.duties) {
    if (duty.action !== 'compensate' || duty.percentage === undefined || !duty.party) continue;
    // Two elements owing to the same fund add up (each was used).
    const existing = out.find((s) => s.party.uid === duty.party!.uid);
    if (existing) existing.basisPoints += duty.percentage;
    else out.push({ party: duty.party, basisPoints: duty.percentage });
  }
  return out;
}
