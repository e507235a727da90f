import { useId, useRef } from 'react';
import { useI18n } from '../i18n';
import { knownLabel } from '../labels';
import { creatorKey, toLangDraft, type CreatorDraft } from '../metadata-draft';
import { CREATOR_ROLES, type CreatorRole } from '../types';
import { LangMapFields } from './LangMapFields';

/** Editable creator rows: a name per language and a role; rows can be added and removed. */
export function CreatorRows({ value, onChange }: { value: CreatorDraft[]; onChange: (next: CreatorDraft[]) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const addButton = useRef<HTMLButtonElement>(null);
  const update = (index: number, change: Partial<CreatorDraft>) => onChange(value.map((c, i) => (i === index ? { ...c, ...change } : c)));

  return (
    <fieldset className="creator-rows">
      <legend>{t('field.creators')}</legend>
      {value.length === 0 && <p className="muted">{t('edit.noCreators')}</p>}
      <ol className="plain-list">
        {value.map((creator, index) => {
          const n = index + 1;
          const roleId = `${id}-role-${creator.key}`;
          return (
            <li key={creator.key} className="creator-row">
              <LangMapFields legend={`${t('edit.creatorN', { n })} — ${t('edit.creatorName')}`} value={creator.name} onChange={(name) => update(index, { name })} />
              <div className="creator-row-actions">
                <div className="field">
                  <label htmlFor={roleId}>{t('edit.creatorRole')}</label>
                  <select id={roleId} value={creator.role} onChange={(e) => update(index, { role: e.target.value as CreatorRole })}>
                    {CREATOR_ROLES.map((role) => (
                      <option key={role} value={role}>
                        {knownLabel(i18n, 'creatorRole', role)}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="button" className="button button-quiet" onClick={() => {
                    onChange(value.filter((_, i) => i !== index));
                    // The pressed button disappears; keep the keyboard focus inside the list.
                    addButton.current?.focus();
                  }}>
                  {t('edit.removeCreator', { n })}
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <button ref={addButton} type="button" className="button" onClick={() => onChange([...value, { key: creatorKey(), name: toLangDraft(null), role: 'artist', rest: {} }])}>
        + {t('edit.addCreator')}
      </button>
    </fieldset>
  );
}
