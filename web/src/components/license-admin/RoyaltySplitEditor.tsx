import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { LicenseParty, RoyaltySplit } from '../../types';
import { useApi } from '../../use-api';
import { ErrorMessage, errorText } from '../ErrorMessage';
import { Loading } from '../Loading';
import { licenseAdminApi } from './license-admin-api';
import { PARTY_KINDS } from './PartyQuickForm';
import { basisPointsToPercent, percentToBasisPoints, splitTotal, WHOLE } from './royalty-split';

const NEW = '__new';

interface Row {
  key: number;
  partyId: string;
  newKind: LicenseParty['kind'];
  newZh: string;
  newEn: string;
  percent: string;
  role: string;
}

let nextKey = 1;
const blankRow = (): Row => ({ key: nextKey++, partyId: '', newKind: 'person', newZh: '', newEn: '', percent: '', role: '' });
const rowsOf = (split: RoyaltySplit | null): Row[] =>
  split ? split.shares.map((s) => ({ ...blankRow(), partyId: s.partyId, percent: basisPointsToPercent(s.basisPoints), role: s.role ?? '' })) : [blankRow()];

/** The work's royalty split: party, share (as a percentage) and role per row, a live total that must be 100.00 %, and earlier versions. */
export function RoyaltySplitEditor({ workId }: { workId: string }) {
  const split = useApi(() => licenseAdminApi.split(workId), `split:${workId}`);
  const parties = useApi(() => licenseAdminApi.parties(), 'parties');
  const { t } = useI18n();
  const id = useId();
  if (split.error && !split.data) return <ErrorMessage error={split.error} onRetry={split.reload} />;
  if (parties.error && !parties.data) return <ErrorMessage error={parties.error} onRetry={parties.reload} />;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="royalty-split">
      <h2 id={`${id}-heading`}>{t('licenseAdmin.split.title')}</h2>
      <p className="hint">{t('licenseAdmin.split.hint')}</p>
      {!split.data || !parties.data ? (
        <Loading />
      ) : (
        <SplitForm
          key={split.data.current?.version ?? 0}
          workId={workId}
          current={split.data.current}
          parties={parties.data.items}
          onSaved={() => {
            split.reload();
            parties.reload();
          }}
        />
      )}
      {split.data && split.data.history.length > 0 && <SplitHistory history={split.data.history} />}
    </section>
  );
}

function SplitForm({ workId, current, parties, onSaved }: { workId: string; current: RoyaltySplit | null; parties: LicenseParty[]; onSaved: () => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const id = useId();
  const [rows, setRows] = useState<Row[]>(() => rowsOf(current));
  const [note, setNote] = useState('');
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const total = splitTotal(rows.map((r) => r.percent));
  const complete = total.basisPoints === WHOLE && total.invalid.length === 0;
  const update = (key: number, changes: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...changes } : r)));
  const missingParty = rows.some((r) => !r.partyId || (r.partyId === NEW && !r.newZh.trim() && !r.newEn.trim()));

  const save = async () => {
    setStatus(null);
    if (!complete || missingParty) {
      setStatus({ text: t(missingParty ? 'licenseAdmin.split.partyMissing' : 'licenseAdmin.split.notWhole'), error: true });
      return;
    }
    setBusy(true);
    try {
      const shares = [];
      for (const row of rows) {
        let partyId = row.partyId;
        if (partyId === NEW) {
          const name: Record<string, string> = {};
          if (row.newZh.trim()) name['zh-Hans'] = row.newZh.trim();
          if (row.newEn.trim()) name.en = row.newEn.trim();
          partyId = (await licenseAdminApi.createParty({ kind: row.newKind, name })).id;
          update(row.key, { partyId });
        }
        shares.push({ partyId, basisPoints: percentToBasisPoints(row.percent)!, ...(row.role.trim() ? { role: row.role.trim() } : {}) });
      }
      const saved = await licenseAdminApi.setSplit(workId, { version: current?.version ?? 0, shares, ...(note.trim() ? { note: note.trim() } : {}) });
      setStatus({ text: t('licenseAdmin.split.saved', { version: saved.version }), error: false });
      onSaved();
    } catch (e) {
      setStatus({ text: errorText(e, i18n), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <ol className="la-split-rows">
        {rows.map((row, index) => {
          const n = index + 1;
          const invalid = total.invalid.includes(index) && row.percent !== '';
          return (
            <li key={row.key} className="la-split-row" data-testid="split-row">
              <div className="field">
                <label htmlFor={`${id}-${row.key}-party`}>{t('licenseAdmin.split.party', { n })}</label>
                <select id={`${id}-${row.key}-party`} value={row.partyId} onChange={(e) => update(row.key, { partyId: e.target.value })} data-testid="split-party">
                  <option value="">{t('licenseAdmin.split.choose')}</option>
                  {parties.map((p) => (
                    <option key={p.id} value={p.id}>
                      {pick(p.name) ?? p.id}
                    </option>
                  ))}
                  <option value={NEW}>{t('licenseAdmin.split.newParty')}</option>
                </select>
              </div>
              {row.partyId === NEW && (
                <fieldset className="la-new-party">
                  <legend>{t('licenseAdmin.split.newPartyLegend', { n })}</legend>
                  <div className="field-row">
                    <div className="field">
                      <label htmlFor={`${id}-${row.key}-kind`}>{t('licenseAdmin.party.kind')}</label>
                      <select id={`${id}-${row.key}-kind`} value={row.newKind} onChange={(e) => update(row.key, { newKind: e.target.value as LicenseParty['kind'] })} data-testid="split-new-kind">
                        {PARTY_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {t(`licenseAdmin.party.kind.${k}`)}
                          </option>
                        ))}
                      </select>
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-${row.key}-zh`}>{t('licenseAdmin.party.nameZh')}</label>
                      <input id={`${id}-${row.key}-zh`} lang="zh-Hans" type="text" value={row.newZh} onChange={(e) => update(row.key, { newZh: e.target.value })} data-testid="split-new-zh" />
                    </div>
                    <div className="field">
                      <label htmlFor={`${id}-${row.key}-en`}>{t('licenseAdmin.party.nameEn')}</label>
                      <input id={`${id}-${row.key}-en`} lang="en" type="text" value={row.newEn} onChange={(e) => update(row.key, { newEn: e.target.value })} data-testid="split-new-en" />
                    </div>
                  </div>
                </fieldset>
              )}
              <div className="field la-percent">
                <label htmlFor={`${id}-${row.key}-percent`}>{t('licenseAdmin.split.percent', { n })}</label>
                <input
                  id={`${id}-${row.key}-percent`}
                  type="text"
                  inputMode="decimal"
                  value={row.percent}
                  onChange={(e) => update(row.key, { percent: e.target.value })}
                  aria-invalid={invalid || undefined}
                  aria-describedby={invalid ? `${id}-${row.key}-percent-error` : undefined}
                  data-testid="split-percent"
                />
                {invalid && (
                  <p id={`${id}-${row.key}-percent-error`} className="field-error">
                    {t('licenseAdmin.split.badPercent')}
                  </p>
                )}
              </div>
              <div className="field">
                <label htmlFor={`${id}-${row.key}-role`}>{t('licenseAdmin.split.role', { n })}</label>
                <input id={`${id}-${row.key}-role`} type="text" list={`${id}-roles`} value={row.role} onChange={(e) => update(row.key, { role: e.target.value })} data-testid="split-role" />
              </div>
              {rows.length > 1 && (
                <button type="button" className="button button-quiet button-small" onClick={() => setRows(rows.filter((r) => r.key !== row.key))} aria-label={t('licenseAdmin.split.removeRow', { n })}>
                  {t('licenseAdmin.split.remove')}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      <datalist id={`${id}-roles`}>
        {(['artist', 'heir', 'institution', 'community', 'photographer', 'publisher'] as const).map((r) => (
          <option key={r} value={t(`licenseAdmin.split.roleSuggestion.${r}`)} />
        ))}
      </datalist>
      <p>
        <button type="button" className="button button-small" onClick={() => setRows([...rows, blankRow()])} data-testid="split-add">
          {t('licenseAdmin.split.addRow')}
        </button>
      </p>
      {/* Announced as it changes, so the total is heard while typing. */}
      <p className={`la-split-total ${complete ? 'is-ok' : 'is-off'}`} aria-live="polite" data-testid="split-total">
        {complete ? t('licenseAdmin.split.totalOk', { total: basisPointsToPercent(total.basisPoints) }) : t('licenseAdmin.split.totalOff', { total: basisPointsToPercent(total.basisPoints), left: basisPointsToPercent(WHOLE - total.basisPoints) })}
      </p>
      <div className="field">
        <label htmlFor={`${id}-note`}>{t('licenseAdmin.split.note')}</label>
        <input id={`${id}-note`} type="text" value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="split-save">
          {t('licenseAdmin.split.save')}
        </button>
      </div>
      <p role="status" className={status ? (status.error ? 'notice notice-error' : 'notice') : 'visually-hidden'} data-testid="split-status">
        {status?.text}
      </p>
    </form>
  );
}

function SplitHistory({ history }: { history: RoyaltySplit[] }) {
  const { t, pickEntry, formatDateTime, formatList } = useI18n();
  return (
    <details className="la-details" data-testid="split-history">
      <summary>{t('licenseAdmin.split.history', { count: history.length })}</summary>
      <ol className="la-history" reversed>
        {history.map((v) => (
          <li key={v.version}>
            <strong>{t('licenseAdmin.split.version', { version: v.version, date: formatDateTime(v.createdAt) })}</strong>{' '}
            {formatList(
              v.shares.map((s) => {
                const name = pickEntry(s.partyName);
                return `${name?.[1] ?? s.partyId} ${basisPointsToPercent(s.basisPoints)} %${s.role ? ` (${s.role})` : ''}`;
              }),
            )}
            {v.note && <span className="hint"> — {v.note}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** A party's name in the reader's language, with the lang attribute of the value shown. */
export function PartyName({ party }: { party: Pick<LicenseParty, 'id' | 'name'> }) {
  const { pickEntry } = useI18n();
  const name = pickEntry(party.name);
  return <span lang={name ? htmlLang(name[0]) : undefined}>{name?.[1] ?? party.id}</span>;
}
