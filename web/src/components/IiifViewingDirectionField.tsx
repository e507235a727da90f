import { useId } from 'react';
import { useI18n } from '../i18n';
import { parseViewingDirection, VIEWING_DIRECTIONS, viewingDirectionKey, type ViewingDirection } from './IiifSources';

interface Props {
  value: ViewingDirection | undefined;
  onChange: (value: ViewingDirection | undefined) => void;
}

/** The work form's "Viewing direction" select (IIIF viewingDirection): how a multi-image work is read. */
export function IiifViewingDirectionField({ value, onChange }: Props) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={`${id}-direction`}>{t('field.viewingDirection')}</label>
      <select id={`${id}-direction`} data-testid="viewing-direction-select" value={value ?? ''} aria-describedby={`${id}-direction-hint`} onChange={(e) => onChange(parseViewingDirection(e.target.value))}>
        <option value="">{t('edit.notSet')}</option>
        {VIEWING_DIRECTIONS.map((d) => (
          <option key={d} value={d}>
            {t(viewingDirectionKey(d))}
          </option>
        ))}
      </select>
      <p className="hint" id={`${id}-direction-hint`}>
        {t('edit.viewingDirectionHint')}
      </p>
    </div>
  );
}
