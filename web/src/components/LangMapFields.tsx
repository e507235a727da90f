import { useId } from 'react';
import { useI18n } from '../i18n';
import { htmlLang } from '../lang';
import type { LangDraft } from '../metadata-draft';

interface Props {
  legend: string;
  value: LangDraft;
  onChange: (next: LangDraft) => void;
  multiline?: boolean;
  /** data-testid prefix: inputs get `${testIdPrefix}-${tag}`. */
  testIdPrefix?: string;
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
}

/** One text input per language for a LangMap field, grouped under the field's name. */
export function LangMapFields({ legend, value, onChange, multiline = false, testIdPrefix, required = false, invalid = false, describedBy }: Props) {
  const { langName } = useI18n();
  const id = useId();
  return (
    <fieldset className="lang-fields">
      <legend>
        {legend}
        {required && <span aria-hidden="true"> *</span>}
      </legend>
      <div className="lang-fields-grid">
        {Object.keys(value).map((tag) => {
          const inputId = `${id}-${tag}`;
          const common = {
            id: inputId,
            lang: htmlLang(tag),
            value: value[tag] ?? '',
            'data-testid': testIdPrefix ? `${testIdPrefix}-${tag}` : undefined,
            'aria-invalid': invalid || undefined,
            'aria-describedby': describedBy,
          };
          return (
            <div className="field" key={tag}>
              <label htmlFor={inputId}>
                <span className="visually-hidden">{legend} — </span>
                {langName(tag)}
              </label>
              {multiline ? (
                <textarea {...common} rows={4} onChange={(e) => onChange({ ...value, [tag]: e.target.value })} />
              ) : (
                <input {...common} type="text" onChange={(e) => onChange({ ...value, [tag]: e.target.value })} />
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
