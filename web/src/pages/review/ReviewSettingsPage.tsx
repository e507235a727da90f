import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { ReviewNav } from '../../components/review/ReviewNav';
import { useI18n } from '../../i18n';
import { usePageTitle } from '../../instance';
import { reviewApi, type ReviewReason, type ReviewSettings } from '../../review-api';
import { useApi } from '../../use-api';
import '../../styles/review.css';

const list = (value: FormDataEntryValue | null) => String(value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const lines = (value: FormDataEntryValue | null) => String(value ?? '').split('\n').map((s) => s.trim()).filter(Boolean);

/** `/review/settings` (admins): what waits for review, the appeal period, the checks' terms, rules and limits, the reasons. */
export function ReviewSettingsPage() {
  const { t } = useI18n();
  const settings = useApi(() => reviewApi.settings(), 'settings');
  const reasons = useApi(() => reviewApi.reasons(), 'reasons');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  usePageTitle(t('review.settings.title'));
  if (settings.error) return <ErrorMessage error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Loading />;
  const s = settings.data;

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: ReviewSettings = {
      policy: String(form.get('policy')) as ReviewSettings['policy'],
      collections: list(form.get('collections')),
      appealDays: Number(form.get('appealDays')),
      terms: lines(form.get('terms')).map((line) => {
        const [term = '', outcome] = line.split('|');
        return { term: term.trim(), outcome: outcome?.trim() === 'warn' ? 'warn' : 'fail' };
      }),
      rules: lines(form.get('rules')).map((line) => {
        const [id = '', field = 'any', contains = '', outcome] = line.split('|').map((p) => p.trim());
        return { id, field, contains, outcome: outcome === 'fail' ? 'fail' : 'warn' };
      }),
      fileKinds: list(form.get('fileKinds')),
      maxFileBytes: Number(form.get('maxFileBytes')),
      requiredFields: list(form.get('requiredFields')),
    };
    setSaved(false);
    setError(null);
    try {
      settings.setData(await reviewApi.saveSettings(next));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="review-page">
      <h1>{t('review.settings.title')}</h1>
      <ReviewNav />
      <form className="review-form" onSubmit={(e) => void save(e)} data-testid="review-settings">
        <fieldset>
          <legend>{t('review.settings.policy')}</legend>
          {(['none', 'creators', 'collections'] as const).map((policy) => (
            <label key={policy}>
              <span>
                <input type="radio" name="policy" value={policy} defaultChecked={s.policy === policy} data-testid={`review-policy-${policy}`} /> {t(`review.policy.${policy}`)}
              </span>
            </label>
          ))}
        </fieldset>
        <label>
          {t('review.settings.collections')}
          <input name="collections" defaultValue={s.collections.join(', ')} />
        </label>
        <label>
          {t('review.settings.appealDays')}
          <input name="appealDays" type="number" min={1} max={365} defaultValue={s.appealDays} />
        </label>
        <label>
          {t('review.settings.terms')}
          <textarea name="terms" rows={5} defaultValue={s.terms.map((term) => (term.outcome === 'warn' ? `${term.term}|warn` : term.term)).join('\n')} />
        </label>
        <label>
          {t('review.settings.rules')}
          <textarea name="rules" rows={3} defaultValue={s.rules.map((r) => `${r.id}|${r.field}|${r.contains}|${r.outcome}`).join('\n')} />
        </label>
        <label>
          {t('review.settings.fileKinds')}
          <input name="fileKinds" defaultValue={s.fileKinds.join(', ')} />
        </label>
        <label>
          {t('review.settings.maxFileBytes')}
          <input name="maxFileBytes" type="number" min={1} defaultValue={s.maxFileBytes} />
        </label>
        <label>
          {t('review.settings.requiredFields')}
          <input name="requiredFields" defaultValue={s.requiredFields.join(', ')} />
        </label>
        {error ? <ErrorMessage error={error} /> : null}
        {saved ? <p role="status">{t('review.settings.saved')}</p> : null}
        <button type="submit" data-testid="review-settings-save">
          {t('review.settings.save')}
        </button>
      </form>
      <h2>{t('review.reasons.title')}</h2>
      {reasons.data ? <ReasonsEditor reasons={reasons.data.items} onSaved={reasons.reload} /> : <Loading />}
    </div>
  );
}

function ReasonsEditor({ reasons, onSaved }: { reasons: ReviewReason[]; onSaved: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await reviewApi.saveReason(String(form.get('code')).trim(), {
        label: { 'zh-Hans': String(form.get('zh')).trim(), en: String(form.get('en')).trim() },
        appliesTo: String(form.get('appliesTo')) as ReviewReason['appliesTo'],
        retired: form.get('retired') === 'on',
      });
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const row = (reason: ReviewReason | null) => (
    <form key={reason?.code ?? 'new'} className="review-card review-form" onSubmit={(e) => void save(e)}>
      <label>
        {t('review.reasons.code')}
        <input name="code" defaultValue={reason?.code ?? ''} readOnly={reason !== null} required pattern="[a-z0-9_]{1,40}" />
      </label>
      <label>
        {t('review.reasons.labelZh')}
        <input name="zh" defaultValue={reason?.label['zh-Hans'] ?? ''} required maxLength={100} />
      </label>
      <label>
        {t('review.reasons.labelEn')}
        <input name="en" defaultValue={reason?.label.en ?? ''} required maxLength={100} />
      </label>
      <label>
        {t('review.reasons.appliesTo')}
        <select name="appliesTo" defaultValue={reason?.appliesTo ?? 'both'}>
          <option value="decision">{t('review.applies.decision')}</option>
          <option value="report">{t('review.applies.report')}</option>
          <option value="both">{t('review.applies.both')}</option>
        </select>
      </label>
      <label>
        <span>
          <input type="checkbox" name="retired" defaultChecked={reason?.retired ?? false} /> {t('review.reasons.retired')}
        </span>
      </label>
      <button type="submit">{reason ? t('review.reasons.save') : t('review.reasons.add')}</button>
    </form>
  );
  return (
    <div>
      {error ? <ErrorMessage error={error} /> : null}
      {reasons.map((r) => row(r))}
      {row(null)}
    </div>
  );
}
