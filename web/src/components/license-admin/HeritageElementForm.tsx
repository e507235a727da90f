import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import type { HeritageElement, LicenseParty } from '../../types';
import { errorText } from '../ErrorMessage';
import { LangMapFields } from '../LangMapFields';
import { emptyHeritageRules, FORBIDDABLE_PURPOSES, heritageRulesFromOdrl, heritageRulesToOdrl, validateHeritageRules, type HeritageIssue, type HeritageRulesDraft } from './heritage-rules';
import { JsonLdView } from './JsonLdView';
import { licenseAdminApi } from './license-admin-api';

/**
 * A heritage element's names, custodian and rules, the rules built from three plain choices. Rules
 * the form cannot show (written elsewhere as ODRL) are kept as they are unless replaced.
 */
export function HeritageElementForm({ element, parties, onSaved, onCancel }: { element: HeritageElement | null; parties: LicenseParty[]; onSaved: (saved: HeritageElement) => void; onCancel: () => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const id = useId();
  const stored = element?.rules[0]?.odrl ?? null;
  const readable = heritageRulesFromOdrl(stored);
  const [name, setName] = useState<Record<string, string>>({ 'zh-Hans': element?.name['zh-Hans'] ?? '', en: element?.name.en ?? '' });
  const [custodian, setCustodian] = useState(element?.custodianPartyId ?? '');
  const [rules, setRules] = useState<HeritageRulesDraft>(readable ?? emptyHeritageRules());
  const [replaceRules, setReplaceRules] = useState(readable !== null);
  const [issues, setIssues] = useState<HeritageIssue[]>([]);
  const [nameMissing, setNameMissing] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const issue = (field: HeritageIssue['field']) => issues.find((i) => i.field === field);
  const setRule = (changes: Partial<HeritageRulesDraft>) => setRules((r) => ({ ...r, ...changes }));

  const submit = async () => {
    const found = replaceRules ? validateHeritageRules(rules) : [];
    const noName = !name['zh-Hans']?.trim() && !name.en?.trim();
    setIssues(found);
    setNameMissing(noName);
    setStatus(null);
    if (found.length > 0 || noName) return;
    setBusy(true);
    try {
      const names = Object.fromEntries(Object.entries(name).filter(([, v]) => v.trim()).map(([k, v]) => [k, v.trim()]));
      const input = { name: names, custodianPartyId: custodian || null, ...(replaceRules ? { rules: heritageRulesToOdrl(rules) } : {}) };
      const saved = element ? await licenseAdminApi.updateHeritageElement(element.id, input) : await licenseAdminApi.createHeritageElement(input);
      onSaved(saved);
    } catch (e) {
      setStatus(errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  const partySelect = (selectId: string, value: string, onChange: (v: string) => void, testId: string, describedBy?: string) => (
    <select id={selectId} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy} data-testid={testId}>
      <option value="">{t('licenseAdmin.heritage.noParty')}</option>
      {parties.map((p) => (
        <option key={p.id} value={p.id}>
          {pick(p.name) ?? p.id}
        </option>
      ))}
    </select>
  );

  return (
    <form
      className="panel"
      aria-labelledby={`${id}-heading`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      data-testid="heritage-form"
    >
      <h2 id={`${id}-heading`}>{t(element ? 'licenseAdmin.heritage.editTitle' : 'licenseAdmin.heritage.newTitle')}</h2>
      <LangMapFields legend={t('licenseAdmin.heritage.name')} value={name} onChange={setName} testIdPrefix="heritage-name" required invalid={nameMissing} describedBy={nameMissing ? `${id}-name-error` : undefined} />
      {nameMissing && (
        <p id={`${id}-name-error`} className="field-error">
          {t('licenseAdmin.heritage.nameRequired')}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-custodian`}>{t('licenseAdmin.heritage.custodian')}</label>
        {partySelect(`${id}-custodian`, custodian, setCustodian, 'heritage-custodian', `${id}-custodian-hint`)}
        <p id={`${id}-custodian-hint`} className="hint">
          {t('licenseAdmin.heritage.custodianHint')}
        </p>
      </div>

      <fieldset>
        <legend>{t('licenseAdmin.heritage.rules')}</legend>
        {readable === null && (
          <>
            <p className="notice">{t('licenseAdmin.heritage.rulesNotEditable')}</p>
            {stored && <JsonLdView value={stored} label={t('licenseAdmin.heritage.rulesJson')} />}
            <div className="checkbox-row">
              <input type="checkbox" id={`${id}-replace`} checked={replaceRules} onChange={(e) => setReplaceRules(e.target.checked)} />
              <label htmlFor={`${id}-replace`}>{t('licenseAdmin.heritage.replaceRules')}</label>
            </div>
          </>
        )}
        {replaceRules && (
          <>
            <div className="field-row">
              <div className="field">
                <label htmlFor={`${id}-share`}>{t('licenseAdmin.heritage.sharePercent')}</label>
                <input
                  id={`${id}-share`}
                  type="text"
                  inputMode="decimal"
                  value={rules.sharePercent}
                  onChange={(e) => setRule({ sharePercent: e.target.value })}
                  aria-invalid={Boolean(issue('share')) || undefined}
                  aria-describedby={issue('share') ? `${id}-share-error` : `${id}-share-hint`}
                  data-testid="heritage-share"
                />
                <p id={`${id}-share-hint`} className="hint">
                  {t('licenseAdmin.heritage.shareHint')}
                </p>
                {issue('share') && (
                  <p id={`${id}-share-error`} className="field-error">
                    {t('licenseAdmin.heritage.badPercent')}
                  </p>
                )}
              </div>
              <div className="field">
                <label htmlFor={`${id}-share-party`}>{t('licenseAdmin.heritage.shareParty')}</label>
                {partySelect(`${id}-share-party`, rules.sharePartyId, (v) => setRule({ sharePartyId: v }), 'heritage-share-party', issue('party') ? `${id}-party-error` : undefined)}
                {issue('party') && (
                  <p id={`${id}-party-error`} className="field-error">
                    {t('licenseAdmin.heritage.partyRequired')}
                  </p>
                )}
              </div>
            </div>
            <fieldset>
              <legend>{t('licenseAdmin.heritage.forbid')}</legend>
              <div className="la-checks">
                {FORBIDDABLE_PURPOSES.map((p) => (
                  <div className="checkbox-row" key={p}>
                    <input
                      type="checkbox"
                      id={`${id}-forbid-${p}`}
                      checked={rules.forbiddenPurposes.includes(p)}
                      onChange={() => setRule({ forbiddenPurposes: rules.forbiddenPurposes.includes(p) ? rules.forbiddenPurposes.filter((x) => x !== p) : [...rules.forbiddenPurposes, p] })}
                      data-testid={`heritage-forbid-${p}`}
                    />
                    <label htmlFor={`${id}-forbid-${p}`}>{t(`licenseAdmin.purpose.${p}`)}</label>
                  </div>
                ))}
              </div>
            </fieldset>
            <div className="field">
              <label htmlFor={`${id}-attribute`}>{t('licenseAdmin.heritage.attribute')}</label>
              {partySelect(`${id}-attribute`, rules.attributePartyId, (v) => setRule({ attributePartyId: v }), 'heritage-attribute')}
            </div>
            <JsonLdView value={heritageRulesToOdrl(rules) ?? {}} label={t('licenseAdmin.heritage.rulesJson')} testId="heritage-json" />
          </>
        )}
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="heritage-save">
          {t('licenseAdmin.heritage.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('licenseAdmin.cancel')}
        </button>
      </div>
      <p role="status" className={status ? 'notice notice-error' : 'visually-hidden'}>
        {status}
      </p>
    </form>
  );
}
