import { useState } from 'react';
import { useI18n } from '../../i18n';
import { securityApi } from '../../security-api';
import type { User } from '../../types';
import { ConfirmDialog } from '../ConfirmDialog';
import { errorText } from '../ErrorMessage';

/**
 * An admin's reset of someone else's second factors after a lost phone or key: the authenticator
 * app, recovery codes and passkeys go, and the person is signed out everywhere (then signs in with
 * the password and sets up again). Not offered for one's own account.
 */
export function ResetTwoFactorButton({ user, isMe, onDone }: { user: User; isMe: boolean; onDone: (result: { error: boolean; text: string }) => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (isMe) return null;

  const reset = async () => {
    setAsking(false);
    try {
      await securityApi.resetTwoFactor(user.id);
      onDone({ error: false, text: t('resetTwoFactor.done', { name: user.username }) });
    } catch (e) {
      onDone({ error: true, text: errorText(e, t) });
    }
  };

  return (
    <>
      <button type="button" className="button button-small" data-testid={`reset-two-factor-${user.username}`} onClick={() => setAsking(true)} aria-label={t('resetTwoFactor.buttonFor', { name: user.username })}>
        {t('resetTwoFactor.button')}
      </button>
      <ConfirmDialog open={asking} message={t('resetTwoFactor.confirm', { name: user.username })} confirmLabel={t('resetTwoFactor.button')} onConfirm={() => void reset()} onCancel={() => setAsking(false)} />
    </>
  );
}
