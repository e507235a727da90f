import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { errorText } from '../ErrorMessage';

/**
 * Where an account is (ISO 3166-1 alpha-2): licensees and partners carry one so that cross-border
 * transfer rules can be checked before a copy leaves. Codes only (HK, MO, TW are named by their codes).
 */
export function CountryField({ value, onSave, testId = 'country' }: { value: string | null; onSave: (country: string | null) => Promise<unknown>; testId?: string }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(value ?? '');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setMessage(null);
    try {
      const code = draft.trim().toUpperCase();
      await onSave(code || null);
      setDraft(code);
      setMessage({ error: false, text: t('common.saved') });
    } catch (error) {
      setMessage({ error: true, text: errorText(error, t) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="country-field" onSubmit={submit} data-testid={`${testId}-form`}>
      <label htmlFor={`${id}-country`}>{t('transfer.country.label')}</label>
      <input id={`${id}-country`} data-testid={`${testId}-input`} value={draft} maxLength={2} size={3} pattern="[A-Za-z]{2}" aria-describedby={`${id}-hint`} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit" className="button button-small" disabled={saving} data-testid={`${testId}-save`}>
        {t('transfer.country.save')}
      </button>
      <p className="hint" id={`${id}-hint`}>
        {t('transfer.country.hint')}
      </p>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'muted') : 'visually-hidden'}>
        {message?.text}
      </p>
    </form>
  );
}
