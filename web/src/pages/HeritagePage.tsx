import { useId, useState } from 'react';
import { ErrorMessage } from '../components/ErrorMessage';
import { HeritageElementForm } from '../components/license-admin/HeritageElementForm';
import { licenseAdminApi } from '../components/license-admin/license-admin-api';
import { PartyQuickForm } from '../components/license-admin/PartyQuickForm';
import { PartyName } from '../components/license-admin/RoyaltySplitEditor';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { htmlLang } from '../lang';
import type { HeritageElement } from '../types';
import { useApi } from '../use-api';
import '../styles/license-admin.css';

/**
 * /heritage, for admins and curators: the heritage elements (a mask pattern, an embroidery motif)
 * whose rules every work that uses them inherits — a share of commercial income to the community,
 * uses the community forbids, attribution — with their custodians.
 */
export function HeritagePage() {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  usePageTitle(t('licenseAdmin.heritage.pageTitle'));
  const id = useId();
  const elements = useApi(() => licenseAdminApi.heritageElements(), 'heritage-elements');
  const parties = useApi(() => licenseAdminApi.parties(), 'parties');
  const [editing, setEditing] = useState<HeritageElement | 'new' | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  if (elements.error && !elements.data) return <ErrorMessage error={elements.error} onRetry={elements.reload} />;
  if (parties.error && !parties.data) return <ErrorMessage error={parties.error} onRetry={parties.reload} />;
  if (!elements.data || !parties.data) return <Loading />;
  const partyById = new Map(parties.data.items.map((p) => [p.id, p]));

  return (
    <div className="la-page">
      <h1>{t('licenseAdmin.heritage.pageTitle')}</h1>
      <p className="hint">{t('licenseAdmin.heritage.intro')}</p>
      <section className="panel" aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>{t('licenseAdmin.heritage.listTitle')}</h2>
        {elements.data.items.length === 0 ? (
          <p>{t('licenseAdmin.heritage.noneDefined')}</p>
        ) : (
          <ul className="la-offers" data-testid="heritage-list">
            {elements.data.items.map((el) => {
              const name = pickEntry(el.name);
              const custodian = el.custodianPartyId ? partyById.get(el.custodianPartyId) : undefined;
              return (
                <li key={el.id} className="la-offer" data-testid="heritage-item">
                  <div className="la-offer-head">
                    <strong lang={name ? htmlLang(name[0]) : undefined}>{name?.[1] ?? el.id}</strong>
                  </div>
                  <p className="hint">
                    {t('licenseAdmin.heritage.facts', { works: el.workCount, rules: el.rules.length })}
                    {custodian && (
                      <>
                        {' '}
                        {t('licenseAdmin.heritage.custodianIs')} <PartyName party={custodian} />
                      </>
                    )}
                  </p>
                  <button type="button" className="button button-small" onClick={() => setEditing(el)} aria-label={t('licenseAdmin.heritage.editNamed', { name: name?.[1] ?? el.id })} data-testid="heritage-edit">
                    {t('licenseAdmin.heritage.edit')}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {editing === null && (
          <p>
            <button type="button" className="button button-primary" onClick={() => setEditing('new')} data-testid="heritage-new">
              {t('licenseAdmin.heritage.new')}
            </button>
          </p>
        )}
        <p role="status" className={status ? 'notice' : 'visually-hidden'}>
          {status}
        </p>
      </section>
      {editing !== null && (
        <HeritageElementForm
          key={editing === 'new' ? 'new' : editing.id}
          element={editing === 'new' ? null : editing}
          parties={parties.data.items}
          onSaved={() => {
            setEditing(null);
            setStatus(t('licenseAdmin.heritage.saved'));
            elements.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <PartyQuickForm onCreated={parties.reload} />
    </div>
  );
}
