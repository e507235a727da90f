import { useId, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n';
import type { LicensePolicy } from '../../types';
import { errorText } from '../ErrorMessage';
import { LangMapFields } from '../LangMapFields';
import { JsonLdView } from './JsonLdView';
import { licenseAdminApi } from './license-admin-api';
import {
  emptyOfferDraft, offerDraftToOdrl, offerFields, validateOfferDraft, OFFER_ACTIONS, OFFER_CURRENCIES, OFFER_MEDIA, OFFER_PURPOSES,
  type DraftField, type DraftIssue, type OfferDraft,
} from './offer-builder';

interface Props {
  target: { type: 'work' | 'collection'; id: string };
  /** The offer being edited with its form state, or null for a new offer. */
  editing: { offer: LicensePolicy; draft: OfferDraft } | null;
  onSaved: (offer: LicensePolicy) => void;
  onCancel: () => void;
}

/** Builds an offer (an ODRL Offer) from plain choices; the JSON-LD it makes is shown read-only as it changes. */
export function OfferBuilderForm({ target, editing, onSaved, onCancel }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [draft, setDraft] = useState<OfferDraft>(editing?.draft ?? emptyOfferDraft());
  const [issues, setIssues] = useState<DraftIssue[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (changes: Partial<OfferDraft>) => setDraft((d) => ({ ...d, ...changes }));
  const toggle = <K extends 'actions' | 'purposes' | 'media'>(key: K, value: string) =>
    setDraft((d) => ({ ...d, [key]: (d[key] as string[]).includes(value) ? (d[key] as string[]).filter((v) => v !== value) : [...(d[key] as string[]), value] }));
  const issueOf = (field: DraftField) => issues.find((i) => i.field === field);
  const errorId = (field: DraftField) => `${id}-${field}-error`;
  const describe = (field: DraftField, hint?: string) => [issueOf(field) ? errorId(field) : null, hint ?? null].filter(Boolean).join(' ') || undefined;
  const errorLine = (field: DraftField) => {
    const issue = issueOf(field);
    return issue ? (
      <p id={errorId(field)} className="field-error">
        {t(`licenseAdmin.offer.error.${issue.code}`, { value: issue.value ?? '' })}
      </p>
    ) : null;
  };

  const submit = async () => {
    const found = validateOfferDraft(draft);
    setIssues(found);
    setStatus(null);
    if (found.length > 0) {
      document.getElementById(errorId(found[0]!.field))?.scrollIntoView({ block: 'center' });
      return;
    }
    setBusy(true);
    try {
      const body = offerFields(draft);
      const saved = editing ? await licenseAdminApi.updateOffer(editing.offer.id, { ...body, version: editing.offer.version }) : await licenseAdminApi.createOffer(target, body);
      onSaved(saved);
      if (!editing) setDraft(emptyOfferDraft());
      setStatus(t(editing ? 'licenseAdmin.offer.updated' : 'licenseAdmin.offer.created'));
    } catch (e) {
      setStatus(errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  const checks = (name: 'actions' | 'purposes' | 'media', values: readonly string[], label: (v: string) => string, field?: DraftField): ReactNode => (
    <div className="la-checks">
      {values.map((v) => (
        <div className="checkbox-row" key={v}>
          <input
            type="checkbox"
            id={`${id}-${name}-${v}`}
            checked={(draft[name] as string[]).includes(v)}
            onChange={() => toggle(name, v)}
            aria-describedby={field ? describe(field) : undefined}
            data-testid={`offer-${name}-${v.replace(':', '-')}`}
          />
          <label htmlFor={`${id}-${name}-${v}`}>{label(v)}</label>
        </div>
      ))}
    </div>
  );

  return (
    <form
      className="panel la-offer-form"
      aria-labelledby={`${id}-heading`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      data-testid="offer-form"
    >
      <h3 id={`${id}-heading`}>{t(editing ? 'licenseAdmin.offer.editTitle' : 'licenseAdmin.offer.newTitle')}</h3>
      <LangMapFields
        legend={t('licenseAdmin.offer.name')}
        value={{ 'zh-Hans': draft.titleZh, en: draft.titleEn }}
        onChange={(next) => set({ titleZh: next['zh-Hans'] ?? '', titleEn: next.en ?? '' })}
        testIdPrefix="offer-title"
        required
        invalid={Boolean(issueOf('title'))}
        describedBy={describe('title')}
      />
      {errorLine('title')}

      <fieldset>
        <legend>{t('licenseAdmin.offer.actions')}</legend>
        {checks('actions', OFFER_ACTIONS, (a) => t(`licenseAdmin.action.${a as (typeof OFFER_ACTIONS)[number]}`), 'actions')}
        {errorLine('actions')}
      </fieldset>
      <fieldset>
        <legend>{t('licenseAdmin.offer.purposes')}</legend>
        <p className="hint">{t('licenseAdmin.offer.anyIfNone')}</p>
        {checks('purposes', OFFER_PURPOSES, (p) => t(`licenseAdmin.purpose.${p as (typeof OFFER_PURPOSES)[number]}`))}
      </fieldset>
      <fieldset>
        <legend>{t('licenseAdmin.offer.media')}</legend>
        <p className="hint">{t('licenseAdmin.offer.anyIfNone')}</p>
        {checks('media', OFFER_MEDIA, (m) => t(`licenseAdmin.media.${m as (typeof OFFER_MEDIA)[number]}`))}
      </fieldset>

      <div className="field">
        <label htmlFor={`${id}-territories`}>{t('licenseAdmin.offer.territories')}</label>
        <input id={`${id}-territories`} type="text" value={draft.territories} onChange={(e) => set({ territories: e.target.value })} aria-invalid={Boolean(issueOf('territories')) || undefined} aria-describedby={describe('territories', `${id}-territories-hint`)} data-testid="offer-territories" />
        <p id={`${id}-territories-hint`} className="hint">
          {t('licenseAdmin.offer.territoriesHint')}
        </p>
        {errorLine('territories')}
      </div>

      <fieldset>
        <legend>{t('licenseAdmin.offer.term')}</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-from`}>{t('licenseAdmin.offer.from')}</label>
            <input id={`${id}-from`} type="date" value={draft.from} onChange={(e) => set({ from: e.target.value })} aria-describedby={describe('period')} data-testid="offer-from" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-until`}>{t('licenseAdmin.offer.until')}</label>
            <input id={`${id}-until`} type="date" value={draft.until} onChange={(e) => set({ until: e.target.value })} aria-describedby={describe('period')} data-testid="offer-until" />
          </div>
        </div>
        {errorLine('period')}
      </fieldset>

      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-copies`}>{t('licenseAdmin.offer.maxCopies')}</label>
          <input id={`${id}-copies`} type="text" inputMode="numeric" value={draft.maxCopies} onChange={(e) => set({ maxCopies: e.target.value })} aria-invalid={Boolean(issueOf('maxCopies')) || undefined} aria-describedby={describe('maxCopies')} data-testid="offer-max-copies" />
          {errorLine('maxCopies')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-price`}>{t('licenseAdmin.offer.price')}</label>
          <input id={`${id}-price`} type="text" inputMode="decimal" value={draft.price} onChange={(e) => set({ price: e.target.value })} aria-invalid={Boolean(issueOf('price')) || undefined} aria-describedby={describe('price', `${id}-price-hint`)} data-testid="offer-price" />
          <p id={`${id}-price-hint`} className="hint">
            {t('licenseAdmin.offer.priceHint')}
          </p>
          {errorLine('price')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-currency`}>{t('licenseAdmin.offer.currency')}</label>
          <select id={`${id}-currency`} value={draft.currency} onChange={(e) => set({ currency: e.target.value })} data-testid="offer-currency">
            {OFFER_CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </div>

      <fieldset>
        <legend>{t('licenseAdmin.offer.duties')}</legend>
        <div className="checkbox-row">
          <input type="checkbox" id={`${id}-attribute`} checked={draft.attribute} onChange={(e) => set({ attribute: e.target.checked })} data-testid="offer-attribute" />
          <label htmlFor={`${id}-attribute`}>{t('licenseAdmin.offer.attribute')}</label>
        </div>
        <div className="checkbox-row">
          <input type="checkbox" id={`${id}-inform`} checked={draft.inform} onChange={(e) => set({ inform: e.target.checked })} data-testid="offer-inform" />
          <label htmlFor={`${id}-inform`}>{t('licenseAdmin.offer.inform')}</label>
        </div>
      </fieldset>

      <div className="checkbox-row">
        <input type="checkbox" id={`${id}-auto`} checked={draft.autoApprove} onChange={(e) => set({ autoApprove: e.target.checked })} aria-describedby={`${id}-auto-hint`} data-testid="offer-auto-approve" />
        <label htmlFor={`${id}-auto`}>{t('licenseAdmin.offer.autoApprove')}</label>
      </div>
      <p id={`${id}-auto-hint`} className="hint">
        {t('licenseAdmin.offer.autoApproveHint')}
      </p>
      <div className="field">
        <label htmlFor={`${id}-edition`}>{t('licenseAdmin.offer.editionSize')}</label>
        <input id={`${id}-edition`} type="text" inputMode="numeric" value={draft.editionSize} onChange={(e) => set({ editionSize: e.target.value })} aria-invalid={Boolean(issueOf('editionSize')) || undefined} aria-describedby={describe('editionSize', `${id}-edition-hint`)} data-testid="offer-edition" />
        <p id={`${id}-edition-hint`} className="hint">
          {t('licenseAdmin.offer.editionHint')}
        </p>
        {errorLine('editionSize')}
      </div>

      <JsonLdView value={offerDraftToOdrl(draft)} label={t('licenseAdmin.offer.jsonLd')} testId="offer-json" />

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="offer-save">
          {t(editing ? 'licenseAdmin.offer.saveChanges' : 'licenseAdmin.offer.create')}
        </button>
        {editing && (
          <button type="button" className="button" onClick={onCancel}>
            {t('licenseAdmin.cancel')}
          </button>
        )}
      </div>
      <p role="status" className={status ? 'notice' : 'visually-hidden'} data-testid="offer-status">
        {status}
      </p>
    </form>
  );
}
