import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { isLocalAddress, parsePublicUrl, registryOriginProblem, suggestRegistryOrigin } from '../../../src/platform/public-url';
import { api } from '../api';
import { FileDropZone } from '../components/FileDropZone';
import { RegistryHealthSection } from '../components/admin/RegistryHealthSection';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { LangMapFields } from '../components/LangMapFields';
import { ThemeFields, themeDraftProblem, themeFromDraft, type ThemeDraft } from '../components/ThemeFields';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle, useInstance } from '../instance';
import type { LangDraft } from '../metadata-draft';
import type { InstanceSettings, InstitutionName } from '../types';
import { useApi } from '../use-api';

const NAME_LANGS = ['zh-Hans', 'zh-Hant', 'en'] as const;
const LOGO_TYPES = 'image/png,image/jpeg,image/webp';
const LOGO_MAX_BYTES = 1024 * 1024;

/** Only same-site paths may follow setup (no open redirect). */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/setup') ? next : null;
}

/**
 * `/setup` (admins): the first-run setup — the institution's name, the public URL every absolute
 * link is built from, the transparency log's origin and the logo — and, once done, the place to
 * change them. The origin is shown read-only once the log's key exists.
 */
export function SetupPage() {
  const settings = useApi(() => api.instanceSettings(), 'instance-settings');
  if (settings.error && !settings.data) return <ErrorMessage error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Loading />;
  return <SetupForm settings={settings.data} onSaved={settings.setData} />;
}

function SetupForm({ settings, onSaved }: { settings: InstanceSettings; onSaved: (next: InstanceSettings) => void }) {
  const { t } = useI18n();
  const { setInstance } = useInstance();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const id = useId();
  const firstRun = !settings.setupDone;
  usePageTitle(firstRun ? t('setup.title') : t('setup.titleDone'));

  const [name, setName] = useState<LangDraft>(() => Object.fromEntries(NAME_LANGS.map((lang) => [lang, settings.name[lang] ?? ''])));
  const [publicUrl, setPublicUrl] = useState(settings.publicUrl ?? window.location.origin);
  const proposedOrigin = (url: string) => settings.suggestedRegistryOrigin ?? suggestRegistryOrigin(url) ?? '';
  const [origin, setOrigin] = useState(settings.registryOrigin ?? proposedOrigin(publicUrl));
  // Until the admin types an origin of their own, it follows the public URL.
  const [originEdited, setOriginEdited] = useState(settings.registryOrigin !== null);
  const [logo, setLogo] = useState<File | null>(null);
  const [theme, setTheme] = useState<ThemeDraft>({ accent: settings.theme.accent ?? '', headerBackground: settings.theme.headerBackground ?? '' });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [checked, setChecked] = useState(false);
  const messageRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  const nameMissing = NAME_LANGS.every((lang) => !name[lang]?.trim());
  const urlProblem = settings.publicUrlFromEnv ? null : 'problem' in parsePublicUrl(publicUrl) ? t('setup.publicUrlInvalid') : null;
  // An address only this machine reaches would go into every certificate's QR code and, through the origin, into the log's name.
  const localOnly = !urlProblem && isLocalAddress(settings.publicUrlFromEnv ? (settings.publicUrl ?? '') : publicUrl);
  const originProblem = settings.registryOriginFixed ? null : registryOriginProblem(origin.trim()) ? t('setup.originInvalid') : null;
  const logoProblem = logo && logo.size > LOGO_MAX_BYTES ? t('setup.logoTooLarge', { max: '1 MB' }) : null;
  // The theme's fields say what is wrong themselves; a colour the server would refuse stops the save here.
  const themeProblem = themeDraftProblem(theme);

  const onPublicUrl = (value: string) => {
    setPublicUrl(value);
    if (!originEdited && !settings.registryOriginFixed) setOrigin(suggestRegistryOrigin(value) ?? '');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    setMessage(null);
    if (nameMissing || urlProblem || originProblem || logoProblem || themeProblem) return;
    setBusy(true);
    try {
      const nameMap: InstitutionName = {};
      for (const lang of NAME_LANGS) if (name[lang]?.trim()) nameMap[lang] = name[lang]!.trim();
      let saved = await api.updateInstance({
        name: nameMap,
        ...(settings.publicUrlFromEnv ? {} : { publicUrl: publicUrl.trim() }),
        ...(settings.registryOriginFixed ? {} : { registryOrigin: origin.trim() }),
        theme: themeFromDraft(theme)!,
      });
      if (logo) saved = await api.uploadLogo(logo);
      onSaved(saved);
      setInstance({ name: saved.name, publicUrl: saved.publicUrl, logoUrl: saved.logoUrl, setupDone: saved.setupDone, theme: saved.theme, map: saved.map });
      setLogo(null);
      const next = safeNext(params.get('next'));
      if (firstRun && next) navigate(next, { replace: true });
      else setMessage({ error: false, text: firstRun ? t('setup.done') : t('common.saved') });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
    } finally {
      setBusy(false);
    }
  };

  const removeLogo = async () => {
    setMessage(null);
    try {
      const saved = await api.removeLogo();
      onSaved(saved);
      setInstance({ name: saved.name, publicUrl: saved.publicUrl, logoUrl: saved.logoUrl, setupDone: saved.setupDone, theme: saved.theme, map: saved.map });
    } catch (e) {
      setMessage({ error: true, text: errorText(e, t) });
    }
  };

  return (
    <div className="page-narrow setup-page">
      <h1>{firstRun ? t('setup.title') : t('setup.titleDone')}</h1>
      <p className="muted">{firstRun ? t('setup.intro') : t('setup.introDone')}</p>
      <p ref={messageRef} tabIndex={-1} role={message?.error ? 'alert' : 'status'} className={message ? (message.error ? 'notice notice-error' : 'notice notice-success') : 'visually-hidden'} data-testid="setup-message">
        {message?.text}
      </p>
      <form onSubmit={submit} className="form-stack" noValidate data-testid="setup-form">
        <LangMapFields legend={t('setup.name')} value={name} onChange={setName} testIdPrefix="setup-name" required invalid={checked && nameMissing} describedBy={`${id}-name-hint`} />
        <p id={`${id}-name-hint`} className={checked && nameMissing ? 'field-error' : 'hint'}>
          {t('setup.nameHint')}
        </p>

        <div className="field">
          <label htmlFor={`${id}-url`}>{t('setup.publicUrl')}</label>
          <input
            id={`${id}-url`}
            type="url"
            inputMode="url"
            autoComplete="url"
            spellCheck={false}
            required
            maxLength={2000}
            value={settings.publicUrlFromEnv ? (settings.publicUrl ?? '') : publicUrl}
            readOnly={settings.publicUrlFromEnv}
            onChange={(e) => onPublicUrl(e.target.value)}
            aria-invalid={(checked && urlProblem !== null) || undefined}
            aria-describedby={`${id}-url-hint`}
            data-testid="setup-public-url"
          />
          <p id={`${id}-url-hint`} className={checked && urlProblem ? 'field-error' : 'hint'}>
            {settings.publicUrlFromEnv ? t('setup.publicUrlFromEnv') : checked && urlProblem ? urlProblem : t('setup.publicUrlHint')}
          </p>
          {localOnly && (
            <p className="notice notice-warning" role="status" data-testid="setup-local-url">
              {t('setup.publicUrlLocal')}
            </p>
          )}
        </div>

        <div className="field">
          <label htmlFor={`${id}-origin`}>{t('setup.origin')}</label>
          <input
            id={`${id}-origin`}
            type="text"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={255}
            value={origin}
            readOnly={settings.registryOriginFixed}
            onChange={(e) => {
              setOrigin(e.target.value);
              setOriginEdited(true);
            }}
            aria-invalid={(checked && originProblem !== null) || undefined}
            aria-describedby={`${id}-origin-hint`}
            data-testid="setup-registry-origin"
          />
          <p id={`${id}-origin-hint`} className={checked && originProblem ? 'field-error' : 'hint'} data-testid="setup-origin-hint">
            {settings.registryOriginFixed ? t('setup.originFixed') : checked && originProblem ? originProblem : t('setup.originHint')}
          </p>
        </div>

        <div className="field">
          <span className="label">{t('setup.logo')}</span>
          {settings.logoUrl && (
            <p className="setup-logo-current">
              <img src={settings.logoUrl} alt={t('setup.logoCurrent')} className="setup-logo-preview" data-testid="setup-logo-preview" />
              <button type="button" className="button button-small" onClick={removeLogo} data-testid="setup-logo-remove">
                {t('setup.logoRemove')}
              </button>
            </p>
          )}
          {/* A translated button instead of the browser's own file input, which speaks the browser's language. */}
          <FileDropZone id={`${id}-logo`} testId="setup-logo" label={t('setup.logoChoose')} hint={t('setup.logoDrop')} accept={LOGO_TYPES} onFiles={(files) => setLogo(files[0] ?? null)} />
          {logo && <p className="hint">{t('setup.logoChosen', { name: logo.name })}</p>}
          <p id={`${id}-logo-hint`} className={logoProblem ? 'field-error' : 'hint'}>
            {logoProblem ?? t('setup.logoHint', { max: '1 MB' })}
          </p>
        </div>

        <ThemeFields value={theme} onChange={setTheme} />

        <button type="submit" className="button button-primary" disabled={busy} data-testid="setup-submit">
          {busy ? t('setup.saving') : firstRun ? t('setup.finish') : t('setup.save')}
        </button>
      </form>
      {/* Witnesses are set in the environment: on first start, say what is at stake and which variables to set. */}
      <RegistryHealthSection onlyWarnings />
    </div>
  );
}
