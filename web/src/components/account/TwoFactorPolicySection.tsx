import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { securityApi, type TwoFactorPolicy } from '../../security-api';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';

type StaffRole = TwoFactorPolicy['roles'][number];
const STAFF: StaffRole[] = ['admin', 'curator'];

/** Admins: which staff roles must use two-factor sign-in on this instance. */
export function TwoFactorPolicySection() {
  const { t } = useI18n();
  const policy = useApi(() => securityApi.policy(), 'two-factor-policy');
  const [roles, setRoles] = useState<StaffRole[]>([]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const id = useId();

  useEffect(() => {
    if (policy.data) setRoles(policy.data.roles);
  }, [policy.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(null);
    try {
      setRoles((await securityApi.setPolicy(roles)).roles);
      setMessage({ error: false, text: t('policy.saved') });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('policy.heading')}</h2>
      <p className="muted">{t('policy.intro')}</p>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'}>
        {message?.text}
      </p>
      {policy.error ? <ErrorMessage error={policy.error} onRetry={policy.reload} /> : null}
      {!policy.data && policy.loading && <Loading />}
      {policy.data && (
        <form className="form-stack" onSubmit={save}>
          <fieldset>
            <legend>{t('policy.legend')}</legend>
            {STAFF.map((role) => (
              <label key={role} className="checkbox-row">
                <input type="checkbox" checked={roles.includes(role)} onChange={(e) => setRoles(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))} />
                {t(`userRole.${role}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button button-primary">
            {t('policy.save')}
          </button>
        </form>
      )}
    </section>
  );
}
