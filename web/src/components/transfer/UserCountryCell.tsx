import { useState } from 'react';
import { useI18n } from '../../i18n';
import { transferApi } from '../../transfer-api';
import type { User } from '../../types';
import { errorText } from '../ErrorMessage';

/** An admin's edit of an account's country (ISO 3166-1 alpha-2), saved when the field is left. */
export function UserCountryCell({ user, onDone }: { user: User; onDone: (message: { error: boolean; text: string }) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(user.country ?? '');
  const save = async () => {
    const code = draft.trim().toUpperCase();
    if (code === (user.country ?? '')) return;
    try {
      const updated = await transferApi.setUserCountry(user.id, code || null);
      setDraft(updated.country ?? '');
      onDone({ error: false, text: `${updated.username}: ${t('common.saved')}` });
    } catch (error) {
      setDraft(user.country ?? '');
      onDone({ error: true, text: errorText(error, t) });
    }
  };
  return <input value={draft} maxLength={2} size={3} aria-label={t('transfer.country.userLabel', { name: user.username })} data-testid="user-country" onChange={(e) => setDraft(e.target.value)} onBlur={() => void save()} />;
}
