import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { HeritageElement } from '../../types';
import { errorText } from '../ErrorMessage';
import { licenseAdminApi } from './license-admin-api';

/** Which heritage elements a work uses (their rules then apply to every use of it). */
export function WorkHeritagePicker({ workId, elements, selected, onSaved }: { workId: string; elements: HeritageElement[]; selected: string[]; onSaved: () => void }) {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  const id = useId();
  const [chosen, setChosen] = useState<string[]>(selected);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      await licenseAdminApi.setWorkHeritage(workId, chosen);
      setStatus(t('licenseAdmin.heritage.workSaved'));
      onSaved();
    } catch (e) {
      setStatus(errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="work-heritage">
      <h2 id={`${id}-heading`}>{t('licenseAdmin.heritage.workTitle')}</h2>
      <p className="hint">{t('licenseAdmin.heritage.workHint')}</p>
      {elements.length === 0 ? (
        <p>{t('licenseAdmin.heritage.noneDefined')}</p>
      ) : (
        <fieldset className="la-checks">
          <legend className="visually-hidden">{t('licenseAdmin.heritage.workTitle')}</legend>
          {elements.map((el) => {
            const name = pickEntry(el.name);
            return (
              <div className="checkbox-row" key={el.id}>
                <input
                  type="checkbox"
                  id={`${id}-${el.id}`}
                  checked={chosen.includes(el.id)}
                  onChange={() => setChosen(chosen.includes(el.id) ? chosen.filter((c) => c !== el.id) : [...chosen, el.id])}
                />
                <label htmlFor={`${id}-${el.id}`} lang={name ? htmlLang(name[0]) : undefined}>
                  {name?.[1] ?? el.id}
                </label>
              </div>
            );
          })}
        </fieldset>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={() => void save()} disabled={busy || elements.length === 0} data-testid="work-heritage-save">
          {t('licenseAdmin.heritage.workSave')}
        </button>
      </div>
      <p role="status" className={status ? 'notice' : 'visually-hidden'}>
        {status}
      </p>
    </section>
  );
}
