import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { useLicenseSpeaker } from '../components/license/use-license-speaker';
import { useI18n, type MessageKey } from '../i18n';
import { usePageTitle } from '../instance';
import { licenseApi, type UseRequestInput } from '../license-api';
import { COMMON_COUNTRIES, CN_REGIONS, territoryName } from '../license-territory';
import { operandValues, reasonWords, rulesOf, territoryCode, tokenLabel } from '../license-words';
import { useSession } from '../session';
import type { LicenseCheck, LicensePolicy } from '../types';
import { useApi } from '../use-api';
import '../styles/license.css';

const PURPOSES = ['commercial', 'non-commercial', 'education', 'research', 'advertising', 'news', 'personal', 'parody'] as const;
const MEDIA = ['print', 'web', 'game', 'film', 'broadcast', 'merchandise'] as const;
const OUTCOME_KEYS: Record<LicenseCheck['outcome'], MessageKey> = { permit: 'license.outcome.permit', 'permit-with-duties': 'license.outcome.permitWithDuties', deny: 'license.outcome.deny' };
const BASIS_KEYS: Record<LicenseCheck['basis'], MessageKey> = { 'public-licence': 'license.basis.publicLicence', grant: 'license.basis.grant', offer: 'license.basis.offer', none: 'license.basis.none' };

interface Draft {
  action: string;
  purposes: string[];
  territory: string;
  media: string;
  until: string;
  copies: string;
}

/** What the offer's first permission names: the form starts from a use the offer allows. */
function draftFor(offer: LicensePolicy | undefined): Draft {
  const rule = offer ? rulesOf(offer.odrl, 'permission')[0] : undefined;
  const values = (operand: string) => rule?.constraints.filter((c) => c.leftOperand === operand && c.operator !== 'neq' && c.operator !== 'isNoneOf').flatMap((c) => operandValues(c.rightOperand)) ?? [];
  return { action: offer?.actions[0] ?? 'reproduce', purposes: values('purpose').slice(0, 1), territory: values('spatial')[0] ?? '', media: values('media')[0] ?? '', until: '', copies: '1' };
}

/** The request the check and the order send; null fields are left out. */
function useRequest(draft: Draft): { request: UseRequestInput | null; territoryError: boolean; copiesError: boolean } {
  return useMemo(() => {
    const territory = draft.territory.trim() ? territoryCode(draft.territory) : '';
    const count = Number(draft.copies);
    const copiesError = !Number.isInteger(count) || count < 1;
    if (territory === null || copiesError) return { request: null, territoryError: territory === null, copiesError };
    const request: UseRequestInput = { action: draft.action, purpose: draft.purposes, count };
    if (territory) request.territory = territory;
    if (draft.media) request.media = draft.media;
    if (draft.until) request.until = draft.until;
    return { request, territoryError: false, copiesError: false };
  }, [draft]);
}

/** The live "may I?" answer: outcome, what it rests on, the price and the reason. */
function CheckAnswer({ check }: { check: LicenseCheck }) {
  const { t } = useI18n();
  return (
    <div className={`license-check license-check-${check.outcome === 'deny' && check.basis !== 'offer' ? 'deny' : 'ok'}`} data-testid="license-check" data-outcome={check.outcome} data-basis={check.basis}>
      <p>
        <strong>{t(OUTCOME_KEYS[check.outcome])}</strong> {t(BASIS_KEYS[check.basis])}
      </p>
      {check.price && <p data-testid="license-check-price">{t('license.offer.price', { amount: check.price.display, currency: check.price.currency })}</p>}
      <p className="muted">{reasonWords(check.decision.reason, t)}</p>
    </div>
  );
}

/** `/works/:id/license?offer=`: choose the offer and the use, see the answer live, place the order. */
export function LicenseOrderPage() {
  const workId = useParams().id ?? '';
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const i18n = useI18n();
  const { t, lang, pick } = i18n;
  const { user } = useSession();
  const speaker = useLicenseSpeaker();
  const id = useId();
  const terms = useApi(() => licenseApi.terms(workId), `${workId}:${user?.id ?? ''}`);
  const offers = terms.data?.offers ?? [];
  const [offerId, setOfferId] = useState(params.get('offer') ?? '');
  const offer = offers.find((o) => o.id === offerId) ?? offers[0];
  const [draft, setDraft] = useState<Draft | null>(null);
  const [licensee, setLicensee] = useState(user?.displayName || user?.username || '');
  const [check, setCheck] = useState<{ answer: LicenseCheck | null; error: unknown }>({ answer: null, error: null });
  const [placing, setPlacing] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  usePageTitle(t('license.order.title'));

  // A new offer starts the form again from what that offer allows.
  useEffect(() => {
    if (offer) setDraft(draftFor(offer));
  }, [offer?.id]);

  const form = draft ?? draftFor(offer);
  const { request, territoryError, copiesError } = useRequest(form);
  const requestKey = JSON.stringify(request);
  useEffect(() => {
    if (!request) return;
    let live = true;
    // Asked a moment after the reader stops changing the form, not on every keystroke.
    const timer = window.setTimeout(() => {
      licenseApi.check(workId, request).then(
        (answer) => live && setCheck({ answer, error: null }),
        (error: unknown) => live && setCheck({ answer: null, error }),
      );
    }, 300);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [workId, requestKey]);

  if (terms.error) return <ErrorMessage error={terms.error} onRetry={terms.reload} />;
  if (!terms.data) return <Loading />;
  const update = (changes: Partial<Draft>) => setDraft({ ...form, ...changes });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!request || !offer || placing.busy) return;
    setPlacing({ busy: true, error: null });
    try {
      const order = await licenseApi.placeOrder({ workId, offerId: offer.id, request, ...(licensee.trim() ? { licenseeName: licensee.trim() } : {}) });
      navigate(`/orders?order=${encodeURIComponent(order.id)}`);
    } catch (error) {
      setPlacing({ busy: false, error });
    }
  };

  return (
    <div className="page-narrow license-order-page">
      <p>
        <Link to={`/works/${encodeURIComponent(workId)}`}>{t('license.order.back')}</Link>
      </p>
      <h1>{t('license.order.title')}</h1>
      {offers.length === 0 || !offer ? (
        <p className="notice">{t('license.order.noOffers')}</p>
      ) : (
        <form className="license-form" onSubmit={submit} noValidate data-testid="license-order-form">
          <div className="field">
            <label htmlFor={`${id}-offer`}>{t('license.order.offer')}</label>
            <select id={`${id}-offer`} value={offer.id} onChange={(e) => setOfferId(e.target.value)} data-testid="license-order-offer">
              {offers.map((o) => (
                <option key={o.id} value={o.id}>
                  {(pick(o.title) ?? o.id) + (o.price ? ` — ${o.price.display} ${o.price.currency}` : '')}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-action`}>{t('license.order.action')}</label>
            <select id={`${id}-action`} value={form.action} onChange={(e) => update({ action: e.target.value })} data-testid="license-order-action">
              {offer.actions.map((a) => (
                <option key={a} value={a}>
                  {tokenLabel(t, 'action', a)}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="field license-purposes">
            <legend>{t('license.order.purposes')}</legend>
            {PURPOSES.map((p) => (
              <label key={p} className="field-inline">
                <input
                  type="checkbox"
                  checked={form.purposes.includes(p)}
                  onChange={(e) => update({ purposes: e.target.checked ? [...form.purposes, p] : form.purposes.filter((x) => x !== p) })}
                  data-testid={`license-purpose-${p}`}
                />{' '}
                {tokenLabel(t, 'purpose', p)}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-territory`}>{t('license.order.territory')}</label>
            <input
              id={`${id}-territory`}
              type="text"
              list={`${id}-territories`}
              value={form.territory}
              onChange={(e) => update({ territory: e.target.value })}
              aria-invalid={territoryError}
              aria-describedby={`${id}-territory-hint${territoryError ? ` ${id}-territory-error` : ''}`}
              autoComplete="off"
              data-testid="license-order-territory"
            />
            <datalist id={`${id}-territories`}>
              {[...COMMON_COUNTRIES, ...CN_REGIONS.map((r) => r.code)].map((code) => (
                <option key={code} value={code}>
                  {territoryName(code, lang)}
                </option>
              ))}
            </datalist>
            <p id={`${id}-territory-hint`} className="hint">
              {form.territory && !territoryError ? t('license.order.territoryIs', { name: speaker.territory(territoryCode(form.territory) ?? '') }) : t('license.order.territoryHint')}
            </p>
            {territoryError && (
              <p id={`${id}-territory-error`} className="field-error">
                {t('license.order.territoryError')}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${id}-media`}>{t('license.order.media')}</label>
            <select id={`${id}-media`} value={form.media} onChange={(e) => update({ media: e.target.value })} data-testid="license-order-media">
              <option value="">{t('license.order.mediaAny')}</option>
              {MEDIA.map((m) => (
                <option key={m} value={m}>
                  {tokenLabel(t, 'media', m)}
                </option>
              ))}
            </select>
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-until`}>{t('license.order.until')}</label>
              <input id={`${id}-until`} type="date" value={form.until} onChange={(e) => update({ until: e.target.value })} data-testid="license-order-until" />
            </div>
            <div className="field">
              <label htmlFor={`${id}-copies`}>{t('license.order.copies')}</label>
              <input
                id={`${id}-copies`}
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={form.copies}
                onChange={(e) => update({ copies: e.target.value })}
                aria-invalid={copiesError}
                aria-describedby={copiesError ? `${id}-copies-error` : undefined}
                data-testid="license-order-copies"
              />
              {copiesError && (
                <p id={`${id}-copies-error`} className="field-error">
                  {t('license.order.copiesError')}
                </p>
              )}
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-licensee`}>{t('license.order.licensee')}</label>
            <input id={`${id}-licensee`} type="text" maxLength={200} value={licensee} onChange={(e) => setLicensee(e.target.value)} aria-describedby={`${id}-licensee-hint`} data-testid="license-order-licensee" />
            <p id={`${id}-licensee-hint`} className="hint">
              {t('license.order.licenseeHint')}
            </p>
          </div>
          <div aria-live="polite">
            {check.answer && request && <CheckAnswer check={check.answer} />}
            {check.error !== null && <p className="notice notice-error">{errorText(check.error, i18n)}</p>}
          </div>
          {placing.error !== null && <ErrorMessage error={placing.error} />}
          <div className="button-row">
            <button type="submit" className="button button-primary" aria-disabled={!request || placing.busy} data-testid="license-order-submit">
              {placing.busy ? t('license.order.placing') : t('license.order.submit')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
