import { useI18n } from '../i18n';
import { COMMON_RIGHTS_URIS, rightsLabel } from '../rights';

interface Props {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange: (uri: string) => void;
  className?: string;
}

/** A rights statement URI, typed or picked from the common RightsStatements.org and Creative Commons ones (named in the reader's language). */
export function RightsUriField({ id, label, hint, value, onChange, className = 'field' }: Props) {
  const { lang } = useI18n();
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="url" inputMode="url" list={`${id}-list`} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`} />
      <datalist id={`${id}-list`}>
        {COMMON_RIGHTS_URIS.map((uri) => (
          <option key={uri} value={uri}>
            {rightsLabel(uri, lang)}
          </option>
        ))}
      </datalist>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  );
}
