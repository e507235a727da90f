import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useI18n, type MessageKey } from '../i18n';
import { usePageTitle } from '../instance';
import { grantPath, licenseApi } from '../license-api';
import { tokenLabel } from '../license-words';
import { useSession } from '../session';
import type { LicenseOrder } from '../types';
import { useApi } from '../use-api';
import '../styles/license.css';

/** Message keys of the order statuses. */
const ORDER_STATUS_KEYS: Record<LicenseOrder['status'], MessageKey> = {
  requested: 'license.status.requested',
  approved: 'license.status.approved',
  granted: 'license.status.granted',
  rejected: 'license.status.rejected',
  cancelled: 'license.status.cancelled',
};

/** The printable invoice of an approved order, with the generic bank-transfer instructions. */
function Invoice({ order }: { order: LicenseOrder }) {
  const { t, pick, formatDateTime } = useI18n();
  return (
    <section className="license-invoice" data-testid="license-invoice" aria-label={t('license.invoice.title', { number: order.invoiceNumber ?? '' })}>
      <h3>{t('license.invoice.title', { number: order.invoiceNumber ?? '' })}</h3>
      <dl className="metadata compact">
        <div className="metadata-row">
          <dt>{t('license.invoice.work')}</dt>
          <dd>{pick(order.workTitle) ?? order.workId}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('license.invoice.licensee')}</dt>
          <dd>{order.licenseeName}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('license.invoice.amount')}</dt>
          <dd>{t('license.offer.price', { amount: order.price.display, currency: order.price.currency })}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('license.invoice.date')}</dt>
          <dd>{formatDateTime(order.decidedAt ?? order.createdAt)}</dd>
        </div>
      </dl>
      <p>{t('license.invoice.instructions', { number: order.invoiceNumber ?? '' })}</p>
      <button type="button" className="button no-print" onClick={() => window.print()}>
        {t('license.invoice.print')}
      </button>
    </section>
  );
}

/** The right holder confirms that the invoice was paid: amount, currency and the transfer's reference. */
function PaymentForm({ order, onDone }: { order: LicenseOrder; onDone: (o: LicenseOrder) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [amount, setAmount] = useState(order.price.display);
  const [reference, setReference] = useState('');
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const invalid = !/^\d{1,15}(\.\d{1,4})?$/.test(amount.trim());
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (invalid || state.busy) return;
    setState({ busy: true, error: null });
    try {
      onDone(await licenseApi.pay(order.id, { amount: amount.trim(), currency: order.price.currency, ...(reference.trim() ? { reference: reference.trim() } : {}) }));
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <form className="license-payment" onSubmit={submit} noValidate data-testid="license-payment-form">
      <div className="field">
        <label htmlFor={`${id}-amount`}>{t('license.payment.amount', { currency: order.price.currency })}</label>
        <input id={`${id}-amount`} type="text" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={invalid} aria-describedby={invalid ? `${id}-amount-error` : undefined} data-testid="license-payment-amount" />
        {invalid && (
          <p id={`${id}-amount-error`} className="field-error">
            {t('license.payment.amountError')}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-reference`}>{t('license.payment.reference')}</label>
        <input id={`${id}-reference`} type="text" maxLength={200} value={reference} onChange={(e) => setReference(e.target.value)} data-testid="license-payment-reference" />
      </div>
      {state.error !== null && <ErrorMessage error={state.error} />}
      <button type="submit" className="button button-primary" aria-disabled={invalid || state.busy} data-testid="license-confirm-payment">
        {t('license.payment.confirm')}
      </button>
    </form>
  );
}

/** One order: the work, the use, status and price, and what the reader may do with it now. */
function OrderRow({ order, mine, highlighted, onChange }: { order: LicenseOrder; mine: boolean; highlighted: boolean; onChange: (o: LicenseOrder) => void }) {
  const { t, pick, formatDateTime } = useI18n();
  const [showInvoice, setShowInvoice] = useState(false);
  const [action, setAction] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const act = async (run: () => Promise<LicenseOrder>) => {
    setAction({ busy: true, error: null });
    try {
      onChange(await run());
      setAction({ busy: false, error: null });
    } catch (error) {
      setAction({ busy: false, error });
    }
  };
  const open = order.status === 'requested' || order.status === 'approved';
  return (
    <li className={`license-order${highlighted ? ' is-highlighted' : ''}`} data-testid="license-order" data-order-id={order.id} data-status={order.status}>
      <div className="license-order-head">
        <Link to={`/works/${encodeURIComponent(order.workId)}`}>{pick(order.workTitle) ?? order.workId}</Link>
        <span className={`license-status license-status-${order.status}`} data-testid="license-order-status">
          {t(ORDER_STATUS_KEYS[order.status])}
        </span>
      </div>
      <p>
        {t('license.orders.summary', {
          licensee: order.licenseeName,
          action: tokenLabel(t, 'action', order.request.action),
          price: `${order.price.display} ${order.price.currency}`,
          copies: order.copies,
          date: formatDateTime(order.createdAt),
        })}
      </p>
      {order.invoiceNumber && (
        <p>
          {t('license.orders.invoice')} <span className="mono" data-testid="license-order-invoice">{order.invoiceNumber}</span>
        </p>
      )}
      {order.note && <p className="muted">{order.note}</p>}
      {action.error !== null && <ErrorMessage error={action.error} />}
      <div className="button-row">
        {order.grantId && (
          <Link className="button button-primary" to={grantPath(order.grantId)} data-testid="license-order-grant">
            {t('license.orders.openGrant')}
          </Link>
        )}
        {order.invoiceNumber && (
          <button type="button" className="button" aria-expanded={showInvoice} onClick={() => setShowInvoice(!showInvoice)} data-testid="license-order-show-invoice">
            {t('license.orders.showInvoice')}
          </button>
        )}
        {mine && open && (
          <button type="button" className="button" aria-disabled={action.busy} onClick={() => !action.busy && act(() => licenseApi.cancel(order.id))} data-testid="license-order-cancel">
            {t('license.orders.cancel')}
          </button>
        )}
        {order.canDecide && order.status === 'requested' && (
          <>
            <button type="button" className="button button-primary" aria-disabled={action.busy} onClick={() => !action.busy && act(() => licenseApi.approve(order.id))} data-testid="license-order-approve">
              {t('license.orders.approve')}
            </button>
            <button type="button" className="button" aria-disabled={action.busy} onClick={() => !action.busy && act(() => licenseApi.reject(order.id))} data-testid="license-order-reject">
              {t('license.orders.reject')}
            </button>
          </>
        )}
      </div>
      {order.canDecide && order.status === 'approved' && <PaymentForm order={order} onDone={onChange} />}
      {showInvoice && <Invoice order={order} />}
    </li>
  );
}

/** `/orders`: the reader's own orders and, for right holders and curators, the orders on their works. */
export function OrdersPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [params] = useSearchParams();
  const orders = useApi(() => licenseApi.orders(), user?.id ?? '');
  usePageTitle(t('license.orders.title'));
  if (orders.error) return <ErrorMessage error={orders.error} onRetry={orders.reload} />;
  if (!orders.data || !user) return <Loading />;
  const items = orders.data.items;
  const replace = (next: LicenseOrder) => orders.setData({ items: items.map((o) => (o.id === next.id ? next : o)) });
  const mine = items.filter((o) => o.licenseeId === user.id);
  const theirs = items.filter((o) => o.licenseeId !== user.id);
  const list = (rows: LicenseOrder[], own: boolean) => (
    <ul className="license-order-list">
      {rows.map((o) => (
        <OrderRow key={o.id} order={o} mine={own} highlighted={params.get('order') === o.id} onChange={replace} />
      ))}
    </ul>
  );
  return (
    <div className="license-orders-page">
      <h1>{t('license.orders.title')}</h1>
      <p>
        <Link to="/grants">{t('license.grants.title')}</Link>
      </p>
      <section aria-labelledby="license-orders-mine" data-testid="license-orders-mine">
        <h2 id="license-orders-mine">{t('license.orders.mine')}</h2>
        {mine.length > 0 ? list(mine, true) : <p className="muted">{t('license.orders.noneMine')}</p>}
      </section>
      {theirs.length > 0 && (
        <section aria-labelledby="license-orders-theirs" data-testid="license-orders-theirs">
          <h2 id="license-orders-theirs">{t('license.orders.theirs')}</h2>
          {list(theirs, false)}
        </section>
      )}
    </div>
  );
}
