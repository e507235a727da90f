import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { DATA_CLASSES, transferApi, type DataClass } from '../../transfer-api';
import { useApi } from '../../use-api';
import { errorText } from '../ErrorMessage';
import { useClassLabel } from './useClassLabel';

/**
 * A work's or collection's data classification, for staff only (visitors never see it): reviewers
 * read it, admins and curators change it — saved at once, apart from the surrounding form.
 */
export function DataClassField({ target }: { target: { type: 'work' | 'collection'; id: string } }) {
  const { t } = useI18n();
  const { user } = useSession();
  const staff = user?.role === 'admin' || user?.role === 'curator' || user?.role === 'reviewer';
  const canEdit = user?.role === 'admin' || user?.role === 'curator';
  const view = useApi(() => (staff ? transferApi.dataClass(target.type, target.id) : Promise.resolve(null)), `data-class:${target.type}:${target.id}:${staff ? 1 : 0}`);
  const label = useClassLabel();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const id = useId();
  if (!staff || !view.data) return null;

  const change = async (dataClass: DataClass) => {
    setMessage(null);
    try {
      view.setData(await transferApi.setDataClass(target.type, target.id, dataClass));
      setMessage({ error: false, text: t('common.saved') });
    } catch (error) {
      setMessage({ error: true, text: errorText(error, t) });
    }
  };

  return (
    <div className="field" data-testid={`data-class-${target.type}`}>
      <label htmlFor={`${id}-class`}>{t('transfer.field.dataClass')}</label>
      <select id={`${id}-class`} data-testid="data-class-select" value={view.data.own} disabled={!canEdit} aria-describedby={`${id}-hint`} onChange={(e) => void change(e.target.value as DataClass)}>
        {DATA_CLASSES.map((c) => (
          <option key={c} value={c}>
            {label(c)}
          </option>
        ))}
      </select>
      <p className="hint" id={`${id}-hint`} data-testid="data-class-effective">
        {view.data.inheritedFrom ? t('transfer.field.inherited', { label: label(view.data.effective) }) : t('transfer.field.effective', { label: label(view.data.effective) })} {t('transfer.field.hint')}
      </p>
      <p role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'muted') : 'visually-hidden'}>
        {message?.text}
      </p>
    </div>
  );
}
