import { useId, useState } from 'react';
import { Link } from 'react-router';
import { OFFER_CURRENCIES } from './offer-builder';
import { useI18n } from '../../i18n';
import type { LicenseParty, RoyaltyStatement } from '../../types';
import { ErrorMessage } from '../ErrorMessage';
import { Loading } from '../Loading';
import { licenseAdminApi, statementCsvUrl } from './license-admin-api';
import { PartyName } from './RoyaltySplitEditor';
import { monthPeriod } from './royalty-split';

const CURRENCIES = OFFER_CURRENCIES;

/** This month as the month picker writes it (YYYY-MM), in the reader's time zone. */
function thisMonth(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

/** A party's statement for a month: opening, in, out, closing and the lines; CSV download and a printable page. */
export function LedgerStatement({ parties }: { parties: LicenseParty[] }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const id = useId();
  const [partyId, setPartyId] = useState(parties[0]?.id ?? '');
  const [month, setMonth] = useState(thisMonth);
  const [currency, setCurrency] = useState('CNY');
  const [shown, setShown] = useState<{ statement: RoyaltyStatement; from: string; to: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const period = monthPeriod(month);
  const kindLabel = (kind: string) => {
    const key = `licenseAdmin.ledger.kind.${kind}`;
    return i18n.has(key) ? t(key) : kind;
  };

  const show = async () => {
    if (!partyId || !period) return;
    setBusy(true);
    setError(null);
    try {
      setShown({ statement: await licenseAdminApi.statement(partyId, { ...period, currency }), ...period });
    } catch (e) {
      setError(e);
      setShown(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel la-statement-panel" aria-labelledby={`${id}-heading`} data-testid="ledger-statement">
      <h2 id={`${id}-heading`} className="no-print">
        {t('licenseAdmin.ledger.statementTitle')}
      </h2>
      {parties.length === 0 ? (
        <p>{t('licenseAdmin.ledger.noParties')}</p>
      ) : (
        <form
          className="inline-form no-print"
          onSubmit={(e) => {
            e.preventDefault();
            void show();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-party`}>{t('licenseAdmin.ledger.party')}</label>
            <select id={`${id}-party`} value={partyId} onChange={(e) => setPartyId(e.target.value)} data-testid="statement-party">
              {parties.map((p) => (
                <option key={p.id} value={p.id}>
                  {i18n.pick(p.name) ?? p.id}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-month`}>{t('licenseAdmin.ledger.month')}</label>
            <input id={`${id}-month`} type="month" value={month} onChange={(e) => setMonth(e.target.value)} aria-describedby={`${id}-month-hint`} data-testid="statement-month" />
            <span id={`${id}-month-hint`} className="hint">
              {period ? t('licenseAdmin.ledger.period', { from: period.from, to: period.to }) : t('licenseAdmin.ledger.monthHint')}
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-currency`}>{t('licenseAdmin.ledger.currency')}</label>
            <select id={`${id}-currency`} value={currency} onChange={(e) => setCurrency(e.target.value)}>
              {CURRENCIES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button-primary" disabled={busy || !period} data-testid="statement-show">
            {t('licenseAdmin.ledger.show')}
          </button>
        </form>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {busy && <Loading />}
      {shown && (
        <div className="la-statement" data-testid="statement">
          <h3>
            {t('licenseAdmin.ledger.statementOf')} <PartyName party={shown.statement.party} />
          </h3>
          <p>{t('licenseAdmin.ledger.periodLine', { from: shown.from, to: shown.to, currency: shown.statement.currency })}</p>
          <dl className="la-totals">
            {(['opening', 'totalIn', 'totalOut', 'closing'] as const).map((k) => (
              <div key={k}>
                <dt>{t(`licenseAdmin.ledger.${k}`)}</dt>
                <dd data-testid={`statement-${k}`}>{shown.statement[k].display}</dd>
              </div>
            ))}
          </dl>
          {shown.statement.lines.length === 0 ? (
            <p>{t('licenseAdmin.ledger.noLines')}</p>
          ) : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('licenseAdmin.ledger.lines')}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('licenseAdmin.ledger.date')}</th>
                    <th scope="col">{t('licenseAdmin.ledger.kind')}</th>
                    <th scope="col">{t('licenseAdmin.ledger.memo')}</th>
                    <th scope="col">{t('licenseAdmin.ledger.work')}</th>
                    <th scope="col" className="la-num">
                      {t('licenseAdmin.ledger.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.statement.lines.map((line) => (
                    <tr key={`${line.transactionId}:${line.kind}`}>
                      <td>{line.date.slice(0, 10)}</td>
                      <td>{kindLabel(line.kind)}</td>
                      <td lang="en">{line.memo}</td>
                      <td>{line.workId ? <Link to={`/works/${encodeURIComponent(line.workId)}`}>{line.workId}</Link> : '—'}</td>
                      <td className="la-num">{line.amount.display}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="form-actions no-print">
            <a className="button" href={statementCsvUrl(shown.statement.party.id, { from: shown.from, to: shown.to, currency: shown.statement.currency }, lang)} download data-testid="statement-csv">
              {t('licenseAdmin.ledger.csv')}
            </a>
            <button type="button" className="button" onClick={() => window.print()}>
              {t('licenseAdmin.ledger.print')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
