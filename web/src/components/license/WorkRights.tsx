import { useId } from 'react';
import { Link } from 'react-router';
import { useI18n, type MessageKey } from '../../i18n';
import { licenseApi, licenseOrderPath } from '../../license-api';
import { freeUseSentences, heritageRuleWords, permissionWords, rulesOf } from '../../license-words';
import { useSession } from '../../session';
import type { LicensePolicy } from '../../types';
import { useApi } from '../../use-api';
import { useLicenseSpeaker } from './use-license-speaker';
import '../../styles/license.css';

const AI_KEYS: Record<'allowed' | 'licensable' | 'reserved', MessageKey> = {
  allowed: 'license.ai.allowed',
  licensable: 'license.ai.licensable',
  reserved: 'license.ai.reserved',
};

/** One offer: its title, price, what it allows, the copies left and the button to license it. */
function OfferCard({ offer, workId }: { offer: LicensePolicy; workId: string }) {
  const { t, pick } = useI18n();
  const { user } = useSession();
  const speaker = useLicenseSpeaker();
  const id = useId();
  const permissions = rulesOf(offer.odrl, 'permission').map((r) => permissionWords(r, speaker));
  const target = licenseOrderPath(workId, offer.id);
  const soldOut = offer.editionRemaining === 0;
  return (
    <li className="license-offer" data-testid="license-offer" data-offer-id={offer.id} aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{pick(offer.title) ?? t('license.offer.untitled')}</h4>
      <p className="license-price" data-testid="license-offer-price">
        {offer.price ? t('license.offer.price', { amount: offer.price.display, currency: offer.price.currency }) : t('license.offer.priceOnRequest')}
      </p>
      <ul className="license-allows">
        {permissions.map((p, i) => (
          <li key={i}>{p.conditions.length > 0 ? t('license.offer.allows', { action: p.action, conditions: p.conditions.join(t('license.separator')) }) : p.action}</li>
        ))}
      </ul>
      {offer.editionSize !== null && (
        <p className="muted" data-testid="license-offer-edition">
          {t('license.offer.edition', { remaining: offer.editionRemaining ?? 0, size: offer.editionSize })}
        </p>
      )}
      {soldOut ? (
        <p className="notice">{t('license.offer.soldOut')}</p>
      ) : (
        <Link className="button button-primary" to={user ? target : `/login?next=${encodeURIComponent(target)}`} data-testid="license-this-work">
          {user ? t('license.offer.button') : t('license.offer.signInToLicense')}
        </Link>
      )}
    </li>
  );
}

/**
 * The work page's licensing section: what anyone may do for free, in plain words; what can be
 * bought, for how much; the heritage rules every use inherits; and whether AI training is allowed.
 */
export function WorkRights({ workId }: { workId: string }) {
  const { t, pick } = useI18n();
  const { user } = useSession();
  const speaker = useLicenseSpeaker();
  const id = useId();
  const terms = useApi(() => licenseApi.terms(workId), `${workId}:${user?.id ?? ''}`);
  const data = terms.data;
  // Nothing to say (or the terms could not be read): the reuse section above still says the rights.
  if (!data) return null;
  const free = freeUseSentences(data.freeUses, speaker);
  // The custodian (a community fund) is named in the rules' words; without a name, by its role.
  const heritage = data.heritage.flatMap((element) => {
    const custodian = element.custodianName ? (pick(element.custodianName) ?? null) : null;
    return element.rules.flatMap((policy) => [
      ...rulesOf(policy.odrl, 'permission').map((r) => heritageRuleWords(r, 'permission', custodian, speaker)),
      ...rulesOf(policy.odrl, 'prohibition').map((r) => heritageRuleWords(r, 'prohibition', custodian, speaker)),
    ]).map((text) => ({ element: pick(element.name) ?? element.id, text }));
  });
  return (
    <section className="license-rights" aria-labelledby={`${id}-heading`} data-testid="work-rights">
      <h2 id={`${id}-heading`}>{t('license.rights.heading')}</h2>
      <h3>{t('license.rights.free')}</h3>
      {free.length > 0 ? (
        <ul data-testid="license-free-uses">
          {free.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      ) : (
        <p data-testid="license-free-uses">{t('license.rights.noFree')}</p>
      )}
      {data.offers.length > 0 && (
        <>
          <h3>{t('license.rights.offers')}</h3>
          <ul className="license-offers">
            {data.offers.map((offer) => (
              <OfferCard key={offer.id} offer={offer} workId={workId} />
            ))}
          </ul>
        </>
      )}
      {heritage.length > 0 && (
        <>
          <h3>{t('license.rights.heritage')}</h3>
          <ul data-testid="license-heritage">
            {heritage.map((h, i) => (
              <li key={i}>{t('license.heritage.rule', { element: h.element, rule: h.text })}</li>
            ))}
          </ul>
        </>
      )}
      <p className="license-ai" data-testid="license-ai" data-ai={data.aiTraining}>
        {t(AI_KEYS[data.aiTraining])}
      </p>
    </section>
  );
}
