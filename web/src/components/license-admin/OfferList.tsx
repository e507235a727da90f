import { useState } from 'react';
import { useI18n, type I18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { LicensePolicy } from '../../types';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorText } from '../ErrorMessage';
import { JsonLdView } from './JsonLdView';
import { licenseAdminApi } from './license-admin-api';
import { offerDraftFromPolicy, type OfferDraft } from './offer-builder';

/** An action's name in the reader's language (the raw term for one outside the form's list). */
export function actionLabel(action: string, i18n: Pick<I18n, 't' | 'has'>): string {
  const key = `licenseAdmin.action.${action}`;
  return i18n.has(key) ? i18n.t(key) : action;
}

/** The offers of a work or collection: what each permits, its price and edition; edit (when the form can show it) and withdraw. */
export function OfferList({ offers, onEdit, onChanged }: { offers: LicensePolicy[]; onEdit: (offer: LicensePolicy, draft: OfferDraft) => void; onChanged: () => void }) {
  const i18n = useI18n();
  const { t, pickEntry, formatDateTime } = i18n;
  const [asking, setAsking] = useState<LicensePolicy | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const withdraw = async (offer: LicensePolicy) => {
    setAsking(null);
    try {
      await licenseAdminApi.withdrawOffer(offer.id);
      setStatus(t('licenseAdmin.offers.withdrawn'));
      onChanged();
    } catch (e) {
      setStatus(errorText(e, i18n));
    }
  };

  return (
    <>
      {offers.length === 0 ? (
        <p data-testid="offers-empty">{t('licenseAdmin.offers.none')}</p>
      ) : (
        <ul className="la-offers" data-testid="offer-list">
          {offers.map((offer) => {
            const title = pickEntry(offer.title);
            const name = title?.[1] ?? offer.id;
            const draft = offer.inherited || offer.status !== 'active' ? null : offerDraftFromPolicy(offer);
            return (
              <li key={offer.id} className="la-offer" data-testid="offer-item">
                <div className="la-offer-head">
                  <strong lang={title ? htmlLang(title[0]) : undefined}>{name}</strong>
                  {offer.status === 'withdrawn' && <span className="badge">{t('licenseAdmin.offers.statusWithdrawn')}</span>}
                  {offer.inherited && <span className="badge">{t('licenseAdmin.offers.inherited')}</span>}
                </div>
                <p className="hint">
                  {t('licenseAdmin.offers.summary', {
                    actions: i18n.formatList(offer.actions.map((a) => actionLabel(a, i18n))),
                    price: offer.price ? `${offer.price.display} ${offer.price.currency}` : t('licenseAdmin.offers.free'),
                    version: offer.version,
                    updated: formatDateTime(offer.updatedAt),
                  })}
                  {offer.editionSize !== null && ` ${t('licenseAdmin.offers.edition', { remaining: offer.editionRemaining ?? 0, size: offer.editionSize })}`}
                  {offer.autoApprove && ` ${t('licenseAdmin.offers.auto')}`}
                </p>
                <details className="la-details">
                  <summary>{t('licenseAdmin.json.show')}</summary>
                  <JsonLdView value={offer.odrl} label={t('licenseAdmin.offer.jsonLd')} />
                </details>
                {!offer.inherited && offer.status === 'active' && (
                  <div className="form-actions">
                    {draft ? (
                      <button type="button" className="button button-small" onClick={() => onEdit(offer, draft)} aria-label={t('licenseAdmin.offers.editNamed', { name })} data-testid="offer-edit">
                        {t('licenseAdmin.offers.edit')}
                      </button>
                    ) : (
                      <span className="hint">{t('licenseAdmin.offers.notEditable')}</span>
                    )}
                    <button type="button" className="button button-small button-danger" onClick={() => setAsking(offer)} aria-label={t('licenseAdmin.offers.withdrawNamed', { name })} data-testid="offer-withdraw">
                      {t('licenseAdmin.offers.withdraw')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p role="status" className={status ? 'notice' : 'visually-hidden'}>
        {status}
      </p>
      <ConfirmDialog
        open={asking !== null}
        message={t('licenseAdmin.offers.withdrawConfirm')}
        confirmLabel={t('licenseAdmin.offers.withdraw')}
        onConfirm={() => asking && void withdraw(asking)}
        onCancel={() => setAsking(null)}
      />
    </>
  );
}
