import { useId, useState } from 'react';
import { Link } from 'react-router';
import { certificatePath } from '../api';
import { CURRENCY_MINOR_UNITS } from '../../../src/license/ledger/money';
import { OFFER_CURRENCIES } from '../components/license-admin/offer-builder';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { licenseAdminApi } from '../components/license-admin/license-admin-api';
import { LedgerStatement } from '../components/license-admin/LedgerStatement';
import { minorToDecimal } from '../components/license-admin/royalty-split';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import type { LedgerTrialBalance, SettlementBatch } from '../types';
import { useApi } from '../use-api';
import '../styles/license-admin.css';

const amount = (minor: number, currency: string) => `${minorToDecimal(minor, CURRENCY_MINOR_UNITS[currency] ?? 2)} ${currency}`;

/**
 * /ledger: royalty statements per party and month (CSV in the reader's language, printable); for
 * admins and curators also the trial balance and settlement batches, whose hash goes into the log.
 * Anyone else signed in sees the statements of the parties linked to their account.
 */
export function LedgerPage() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const staff = hasRole('admin', 'curator');
  usePageTitle(t('licenseAdmin.ledger.pageTitle'));
  const parties = useApi(() => licenseAdminApi.parties(), 'parties');
  return (
    <div className="la-page la-ledger">
      <h1 className="no-print">{t('licenseAdmin.ledger.pageTitle')}</h1>
      {staff && <TrialBalance />}
      {parties.error && !parties.data ? <ErrorMessage error={parties.error} onRetry={parties.reload} /> : parties.data ? <LedgerStatement parties={parties.data.items} /> : <Loading />}
      {staff && <Settlements />}
    </div>
  );
}

function TrialBalance() {
  const { t } = useI18n();
  const id = useId();
  const balances = useApi(() => licenseAdminApi.balances(), 'ledger-balances');
  if (balances.error && !balances.data) return <ErrorMessage error={balances.error} onRetry={balances.reload} />;
  const data: LedgerTrialBalance | undefined = balances.data;
  return (
    <section className="panel no-print" aria-labelledby={`${id}-heading`} data-testid="trial-balance">
      <h2 id={`${id}-heading`}>{t('licenseAdmin.ledger.balanceTitle')}</h2>
      {!data ? (
        <Loading />
      ) : (
        <>
          <p className={data.balanced ? 'la-ok' : 'notice notice-error'} data-testid="ledger-balanced">
            {data.balanced ? `✓ ${t('licenseAdmin.ledger.balanced')}` : t('licenseAdmin.ledger.unbalanced')}
          </p>
          {data.accounts.length === 0 ? (
            <p>{t('licenseAdmin.ledger.noAccounts')}</p>
          ) : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('licenseAdmin.ledger.balanceTitle')}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('licenseAdmin.ledger.account')}</th>
                    <th scope="col" className="la-num">
                      {t('licenseAdmin.ledger.balance')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.accounts.map((a) => (
                    <tr key={`${a.account}:${a.currency}`}>
                      <td lang="en">{a.account}</td>
                      <td className="la-num">{amount(a.minor, a.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Settlements() {
  const i18n = useI18n();
  const { t, formatDateTime, formatList, pick } = i18n;
  const id = useId();
  const list = useApi(() => licenseAdminApi.settlements(), 'ledger-settlements');
  const [periodTo, setPeriodTo] = useState('');
  const [currency, setCurrency] = useState('CNY');
  const [made, setMade] = useState<SettlementBatch | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const settle = async () => {
    setStatus(null);
    setMade(null);
    if (!periodTo) {
      setStatus(t('licenseAdmin.ledger.dateRequired'));
      return;
    }
    setBusy(true);
    try {
      setMade(await licenseAdminApi.settle(periodTo, currency));
      list.reload();
    } catch (e) {
      setStatus(errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  const batch = (b: SettlementBatch) => (
    <>
      <strong>{t('licenseAdmin.ledger.batchLine', { date: b.periodTo.slice(0, 10), total: `${b.total.display} ${b.total.currency}`, made: formatDateTime(b.createdAt) })}</strong>
      <p className="hint">{formatList(b.lines.map((l) => `${pick(l.partyName) ?? l.partyId}: ${l.amount.display}`))}</p>
      <p className="la-hash">
        SHA-256 <code data-testid="settlement-sha256">{b.sha256}</code>
      </p>
      <p>
        {b.registrationId ? (
          <>
            {t('licenseAdmin.ledger.registration')} <Link to={certificatePath(b.registrationId)}>{b.registrationId}</Link>
          </>
        ) : (
          t('licenseAdmin.ledger.registrationPending')
        )}
      </p>
    </>
  );

  return (
    <section className="panel no-print" aria-labelledby={`${id}-heading`} data-testid="settlements">
      <h2 id={`${id}-heading`}>{t('licenseAdmin.ledger.settlementsTitle')}</h2>
      <p className="hint">{t('licenseAdmin.ledger.settlementsHint')}</p>
      <form
        className="inline-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void settle();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('licenseAdmin.ledger.settleTo')}</label>
          <input id={`${id}-to`} type="date" value={periodTo} onChange={(e) => setPeriodTo(e.target.value)} data-testid="settle-to" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-currency`}>{t('licenseAdmin.ledger.currency')}</label>
          <select id={`${id}-currency`} value={currency} onChange={(e) => setCurrency(e.target.value)}>
            {OFFER_CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-primary" disabled={busy} data-testid="settle">
          {t('licenseAdmin.ledger.settle')}
        </button>
      </form>
      <div role="status">
        {status && <p className="notice notice-error">{status}</p>}
        {made && (
          <div className="notice notice-success" data-testid="settlement-made">
            <p>{t('licenseAdmin.ledger.settled')}</p>
            {batch(made)}
          </div>
        )}
      </div>
      {list.error && !list.data ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <p>{t('licenseAdmin.ledger.noSettlements')}</p>
      ) : (
        <ul className="la-offers" data-testid="settlement-list">
          {list.data.items.map((b) => (
            <li key={b.id} className="la-offer">
              {batch(b)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

