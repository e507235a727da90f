import { useId, type CSSProperties } from 'react';
import { CONTRAST_AA, CONTRAST_MIN, formatRatio, HEX_COLOUR, themeContrasts, themeProperties, type Theme } from '../contrast';
import { useI18n } from '../i18n';
import { CheckIcon, WarningIcon } from './icons';

/** The colours as the form holds them: `#rrggbb`, or '' for the default. */
export interface ThemeDraft {
  accent: string;
  headerBackground: string;
}

const DEFAULTS: ThemeDraft = { accent: '#8a2f1d', headerBackground: '#ffffff' };

/** The draft as the API takes it (null: the default), or null when a colour is not `#rrggbb`. */
export function themeFromDraft(draft: ThemeDraft): Theme | null {
  const one = (v: string) => (v.trim() === '' ? null : HEX_COLOUR.test(v.trim()) ? v.trim().toLowerCase() : undefined);
  const accent = one(draft.accent);
  const headerBackground = one(draft.headerBackground);
  return accent === undefined || headerBackground === undefined ? null : { accent, headerBackground };
}

/** Whether the draft can be saved: well-formed, and no colour under the server's 3:1. */
export function themeDraftProblem(draft: ThemeDraft): 'format' | 'contrast' | null {
  const theme = themeFromDraft(draft);
  if (!theme) return 'format';
  return themeContrasts(theme).some((c) => c.ratio < CONTRAST_MIN) ? 'contrast' : null;
}

/**
 * The instance's accent and header colours on the setup page, each with a picker and a hex field,
 * the contrast with the text it carries (warned below 4.5:1, refused below 3:1 as the server does),
 * and a preview of the header and a button in those colours.
 */
export function ThemeFields({ value, onChange }: { value: ThemeDraft; onChange: (next: ThemeDraft) => void }) {
  const { t } = useI18n();
  const id = useId();
  const theme = themeFromDraft(value);
  const contrasts = theme ? themeContrasts(theme) : [];
  // The preview shows the draft even where <html> already carries a saved theme: unset colours are reset
  // to the defaults (`initial` makes var() fall back to styles.css's own value).
  const preview = { '--accent': DEFAULTS.accent, '--link': DEFAULTS.accent, '--header-bg': 'initial', '--header-ink': 'initial', ...themeProperties(theme) } as CSSProperties;

  const field = (name: keyof ThemeDraft, label: string, hint: string) => {
    const raw = value[name].trim();
    const malformed = raw !== '' && !HEX_COLOUR.test(raw);
    const contrast = contrasts.find((c) => c.field === name);
    const ratio = contrast ? formatRatio(contrast.ratio) : null;
    const inputId = `${id}-${name}`;
    const statusId = `${inputId}-status`;
    return (
      <div className="field theme-field">
        <label htmlFor={inputId}>{label}</label>
        <div className="theme-inputs">
          {/* The picker and the hex field edit the same value; the picker is a convenience, the field is what is read. */}
          <input type="color" value={HEX_COLOUR.test(raw) ? raw.toLowerCase() : DEFAULTS[name]} onChange={(e) => onChange({ ...value, [name]: e.target.value })} aria-label={t('theme.picker', { label })} data-testid={`theme-${name}-picker`} />
          <input
            id={inputId}
            type="text"
            value={value[name]}
            placeholder={t('theme.default')}
            spellCheck={false}
            autoCapitalize="none"
            maxLength={7}
            className="mono"
            onChange={(e) => onChange({ ...value, [name]: e.target.value })}
            aria-invalid={malformed || (contrast !== undefined && contrast.ratio < CONTRAST_MIN) || undefined}
            aria-describedby={`${inputId}-hint ${statusId}`}
            data-testid={`theme-${name}`}
          />
          {raw !== '' && (
            <button type="button" className="button button-small" onClick={() => onChange({ ...value, [name]: '' })}>
              {t('theme.useDefault')}
            </button>
          )}
        </div>
        <p id={`${inputId}-hint`} className="hint">
          {hint}
        </p>
        <p id={statusId} className={malformed || (contrast && contrast.ratio < CONTRAST_AA) ? 'field-error theme-status' : 'hint theme-status'} aria-live="polite" data-testid={`theme-${name}-status`}>
          {malformed ? (
            t('theme.malformed')
          ) : contrast && ratio ? (
            <>
              {contrast.ratio < CONTRAST_AA ? <WarningIcon size="1.1em" /> : <CheckIcon size="1.1em" />}{' '}
              {contrast.ratio < CONTRAST_MIN ? t('theme.tooLow', { ratio }) : contrast.ratio < CONTRAST_AA ? t('theme.lowContrast', { ratio }) : t('theme.contrastOk', { ratio })}
            </>
          ) : null}
        </p>
      </div>
    );
  };

  return (
    <fieldset className="theme-fields" data-testid="theme-fields">
      <legend>{t('theme.legend')}</legend>
      <p className="hint">{t('theme.intro')}</p>
      {field('accent', t('theme.accent'), t('theme.accentHint'))}
      {field('headerBackground', t('theme.headerBackground'), t('theme.headerHint'))}
      <div className="theme-preview" style={preview} aria-hidden="true">
        <div className="theme-preview-header">{t('theme.previewHeader')}</div>
        <div className="theme-preview-body">
          <span className="theme-preview-button">{t('theme.previewButton')}</span> <span className="theme-preview-link">{t('theme.previewLink')}</span>
        </div>
      </div>
    </fieldset>
  );
}
