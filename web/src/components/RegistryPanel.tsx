import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, certificatePath, receiptUrl } from '../api';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { RegistrantRole, RegistrationStatus, WorkDetail } from '../types';
import { useApi } from '../use-api';
import { ConfirmDialog } from './ConfirmDialog';
import { ErrorMessage, errorText } from './ErrorMessage';
import { Loading } from './Loading';

/** How long to keep asking for a receipt that was accepted but not yet sequenced. */
const POLL_MS = 2000;
const POLL_TRIES = 30;

type Outcome = { state: 'idle' } | { state: 'busy' } | { state: 'pending'; id: string } | { state: 'stalled'; id: string } | { state: 'done'; id: string; index: number } | { state: 'error'; error: unknown };

/** Receipt download and certificate links of one registration. */
function RegistrationLinks({ id, index }: { id: string; index: number }) {
  const { t } = useI18n();
  return (
    <span className="registration-links">
      <a href={receiptUrl(id)} download={`wenyuan-receipt-${id}.json`} data-testid="receipt-download" aria-label={t('registry.receiptFor', { index })}>
        {t('registry.downloadReceipt')}
      </a>
      <Link to={certificatePath(id)} data-testid="certificate-link" aria-label={t('registry.certificateFor', { index })}>
        {t('registry.certificate')}
      </Link>
    </span>
  );
}

/**
 * For visitors: one line saying the work is registered in the transparency log, since when, and
 * where to check it (the certificate and the verify page). Nothing when it is not registered.
 */
export function RegistrationNote({ workId }: { workId: string }) {
  const { t, formatDateTime } = useI18n();
  const { user } = useSession();
  const registrations = useApi(() => api.registrations(workId), `${workId}:${user?.id ?? ''}`, true);
  // The first registration is the one that proves priority.
  const first = [...(registrations.data?.items ?? [])].sort((a, b) => a.index - b.index)[0];
  if (!first) return null;
  return (
    <p className="registration-note" data-testid="registration-note">
      {t('work.registered', { date: formatDateTime(first.sequencedAt) })}{' '}
      <span className="registration-links">
        <Link to={certificatePath(first.registrationId)} data-testid="registration-note-certificate">
          {t('registry.certificate')}
        </Link>
        <Link to={`/verify?registration=${encodeURIComponent(first.registrationId)}`}>{t('work.verifyRegistration')}</Link>
      </span>
    </p>
  );
}

/**
 * The work's copyright registrations: for those who may edit it, a form to register its file in the
 * transparency log; for every reader, the registrations made so far with their receipts.
 */
export function RegistryPanel({ work }: { work: WorkDetail }) {
  const { t, formatNumber, formatDateTime } = useI18n();
  const { user, hasRole } = useSession();
  const staff = hasRole('admin', 'curator');
  const owner = Boolean(user && work.ownerId === user.id);
  const [role, setRole] = useState<RegistrantRole>(owner || !staff ? 'author' : 'institution');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const [generation, setGeneration] = useState(0);
  const registrations = useApi(() => api.registrations(work.id), `${work.id}:${user?.id ?? ''}:${generation}`, true);
  const id = useId();
  const canRegister = work.canEdit && work.files.length > 0;
  // Whether this user registered the work's current file before, and as what: then the button says so.
  const mine = useApi(() => (user && canRegister ? api.myRegistrations(work.id) : Promise.resolve({ roles: [], registrationIds: [] })), `${work.id}:${user?.id ?? ''}:${canRegister}:${work.files.length}:${generation}`, true);
  const registeredAs = (mine.data?.roles ?? []).includes(role);
  const [confirmAgain, setConfirmAgain] = useState(false);
  const roles: RegistrantRole[] = staff ? ['author', 'right-holder', 'institution'] : ['author', 'right-holder'];

  useEffect(() => {
    setOutcome({ state: 'idle' });
  }, [work.id]);
  // Who is signed in is known only after the first render: owners register as author by default,
  // curators and admins for the institution (as the server does when no role is given).
  useEffect(() => {
    setRole(owner || !staff ? 'author' : 'institution');
  }, [owner, staff]);

  // A registration accepted but not yet in a checkpoint: ask again until its receipt exists.
  const pendingId = outcome.state === 'pending' ? outcome.id : null;
  useEffect(() => {
    if (!pendingId) return;
    let tries = 0;
    let live = true;
    const timer = window.setInterval(() => {
      api.registration(pendingId).then(
        (status) => {
          if (!live) return;
          if (status.status === 'sequenced') {
            setOutcome({ state: 'done', id: pendingId, index: status.receipt.index });
            setGeneration((g) => g + 1);
          } else if (++tries >= POLL_TRIES) {
            window.clearInterval(timer);
            setOutcome({ state: 'stalled', id: pendingId });
          }
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [pendingId]);

  const busy = outcome.state === 'busy' || outcome.state === 'pending';
  const send = async (again: boolean) => {
    if (busy) return;
    setOutcome({ state: 'busy' });
    try {
      const status: RegistrationStatus = await api.register(work.id, role, again);
      setOutcome(status.status === 'sequenced' ? { state: 'done', id: status.registrationId, index: status.receipt.index } : { state: 'pending', id: status.registrationId });
      setGeneration((g) => g + 1);
    } catch (error) {
      setOutcome({ state: 'error', error });
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Registered already: only the explicit "register again" (with its confirmation) registers anew.
    if (registeredAs) return;
    void send(false);
  };

  const items = registrations.data?.items ?? [];
  // Readers who may not register see the panel only when there is something to show.
  if (!canRegister && !work.canEdit && items.length === 0) return null;

  return (
    <section className="panel registry-panel" aria-labelledby={`${id}-heading`} data-testid="registry-panel">
      <h2 id={`${id}-heading`}>{t('registry.heading')}</h2>
      {work.canEdit && <p className="muted">{t('registry.intro')}</p>}
      {work.canEdit && !canRegister && <p className="notice">{t('registry.noFile')}</p>}
      {canRegister && (
        <form className="inline-form registry-form" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}-role`}>{t('registry.role')}</label>
            <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as RegistrantRole)} data-testid="register-role">
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`registry.role.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button-primary" data-testid="register-button" data-registered={registeredAs || undefined} aria-disabled={busy || registeredAs}>
            {outcome.state === 'busy' ? t('registry.registering') : registeredAs ? t('registry.registered') : t('registry.register')}
          </button>
          {registeredAs && (
            <button type="button" className="button" data-testid="register-again" aria-disabled={busy} onClick={() => !busy && setConfirmAgain(true)}>
              {t('registry.registerAgain')}
            </button>
          )}
        </form>
      )}
      {canRegister && registeredAs && <p className="muted" data-testid="registered-as">{t('registry.registeredAs', { role: t(`registry.role.${role}`) })}</p>}
      <ConfirmDialog
        open={confirmAgain}
        message={t('registry.registerAgainHint')}
        confirmLabel={t('registry.registerAgain')}
        onConfirm={() => {
          setConfirmAgain(false);
          void send(true);
        }}
        onCancel={() => setConfirmAgain(false)}
      />

      {/* Announced when an attempt ends; the button keeps focus throughout (aria-disabled, not disabled). */}
      <div className="registry-result-region" aria-live="polite">
        {outcome.state === 'done' && (
          <div className="notice notice-success" data-testid="registration-result" data-index={outcome.index}>
            <p>{t('registry.done', { index: formatNumber(outcome.index) })}</p>
            <p>
              <RegistrationLinks id={outcome.id} index={outcome.index} />
            </p>
          </div>
        )}
        {outcome.state === 'pending' && (
          <p className="notice" data-testid="registration-pending">
            {t('registry.pending')}
          </p>
        )}
        {outcome.state === 'stalled' && (
          <p className="notice" data-testid="registration-pending">
            {t('registry.stalled')}
          </p>
        )}
        {outcome.state === 'error' && (
          <div className="notice notice-error" role="alert">
            <p>{t('registry.failed', { message: errorText(outcome.error, t) })}</p>
          </div>
        )}
      </div>

      <h3>{t('registry.existing')}</h3>
      {registrations.error ? <ErrorMessage error={registrations.error} onRetry={registrations.reload} /> : null}
      {!registrations.data && registrations.loading && <Loading />}
      {registrations.data && items.length === 0 && <p>{t('registry.none')}</p>}
      {items.length > 0 && (
        <ul className="registration-list" data-testid="registration-list">
          {items.map((r) => (
            <li key={r.registrationId} data-testid="registration-item">
              <span>
                <strong>{t('registry.entry', { index: formatNumber(r.index) })}</strong> · <time dateTime={r.sequencedAt}>{formatDateTime(r.sequencedAt)}</time>
              </span>
              <RegistrationLinks id={r.registrationId} index={r.index} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
