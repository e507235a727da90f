import { useCallback, useId, useState } from 'react';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import { BODY_LANGS, LINKS_MAX, moveItem, type MediaDraft, type SectionDraft } from './exhibition-draft';
import { ArrowDownIcon, ArrowUpIcon, TrashIcon } from '../icons';
import { MediaEditor } from './MediaEditor';
import { StoryMarkdown } from './StoryMarkdown';
import { WorkPicker } from './WorkPicker';

interface Props {
  section: SectionDraft;
  index: number;
  count: number;
  onChange: (section: SectionDraft) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
  /** This section's problems, already in words. */
  problems: string[];
}

/** The languages of a text: the side-by-side two, then any other the text was stored in. */
const langsOf = (draft: Record<string, string>) => [...BODY_LANGS, ...Object.keys(draft).filter((tag) => !(BODY_LANGS as readonly string[]).includes(tag))];

/**
 * One section in the editor: heading and Markdown text in Chinese and English side by side (with a
 * preview as readers will see it), the picture, the linked works, and buttons to move it up or down
 * or remove it (buttons, so reordering works from the keyboard and with screen readers).
 */
export function SectionEditor({ section, index, count, onChange, onMove, onRemove, problems }: Props) {
  const { t, langName, pickEntry } = useI18n();
  const id = useId();
  const [preview, setPreview] = useState(false);
  const [addingLink, setAddingLink] = useState(false);
  const number = index + 1;
  const onMedia = useCallback((media: MediaDraft | null) => onChange({ ...section, media }), [section, onChange]);
  const name = pickEntry(Object.fromEntries(Object.entries(section.heading).filter(([, v]) => v.trim())))?.[1];

  return (
    <section className="section-editor" aria-labelledby={`${id}-title`} id={`edit-${section.id}`}>
      <div className="section-editor-head">
        <h3 id={`${id}-title`}>
          {t('exhibitions.sectionNumber', { number })}
          {name && <span className="section-editor-name"> — {name}</span>}
        </h3>
        <div className="button-row">
          <button type="button" className="icon-button" onClick={() => onMove(-1)} disabled={index === 0} aria-label={t('exhibitions.section.up', { number })} title={t('exhibitions.section.up', { number })}>
            <ArrowUpIcon />
          </button>
          <button type="button" className="icon-button" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={t('exhibitions.section.down', { number })} title={t('exhibitions.section.down', { number })}>
            <ArrowDownIcon />
          </button>
          <button type="button" className="icon-button button-danger" onClick={onRemove} aria-label={t('exhibitions.section.remove', { number })} title={t('exhibitions.section.remove', { number })}>
            <TrashIcon />
          </button>
        </div>
      </div>
      <p className="hint">
        {t('exhibitions.section.anchor')} <code>#{section.id}</code>
      </p>

      <fieldset className="lang-fields">
        <legend>{t('exhibitions.section.heading')}</legend>
        <div className="side-by-side">
          {langsOf(section.heading).map((tag) => (
            <div className="field" key={tag}>
              <label htmlFor={`${id}-heading-${tag}`}>
                <span className="visually-hidden">{t('exhibitions.section.heading')} — </span>
                {langName(tag)}
              </label>
              <input id={`${id}-heading-${tag}`} type="text" lang={htmlLang(tag)} value={section.heading[tag] ?? ''} onChange={(e) => onChange({ ...section, heading: { ...section.heading, [tag]: e.target.value } })} />
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset className="lang-fields">
        <legend>{t('exhibitions.section.body')}</legend>
        <div className="button-row">
          <button type="button" className="button button-small" aria-pressed={preview} onClick={() => setPreview(!preview)}>
            {t('exhibitions.section.preview')}
          </button>
          <span className="hint">{t('exhibitions.section.markdownHint')}</span>
        </div>
        <div className="side-by-side">
          {langsOf(section.body).map((tag) => (
            <div className="field" key={tag}>
              <label htmlFor={`${id}-body-${tag}`}>
                <span className="visually-hidden">{t('exhibitions.section.body')} — </span>
                {langName(tag)}
              </label>
              {preview ? (
                <div className="section-preview" id={`${id}-body-${tag}`} role="region" aria-label={`${t('exhibitions.section.preview')} — ${langName(tag)}`} tabIndex={0}>
                  {section.body[tag]?.trim() ? <StoryMarkdown source={section.body[tag]!} lang={htmlLang(tag)} headingLevel={3} /> : <p className="hint">{t('exhibitions.section.emptyText')}</p>}
                </div>
              ) : (
                <textarea id={`${id}-body-${tag}`} lang={htmlLang(tag)} rows={10} value={section.body[tag] ?? ''} onChange={(e) => onChange({ ...section, body: { ...section.body, [tag]: e.target.value } })} />
              )}
            </div>
          ))}
        </div>
      </fieldset>

      <MediaEditor legend={t('exhibitions.section.media')} media={section.media} onChange={onMedia} problems={problems} playable />

      <fieldset className="links-editor">
        <legend>{t('exhibitions.linkedWorks')}</legend>
        {section.links.length > 0 && (
          <ol className="links-editor-list">
            {section.links.map((link, i) => {
              const title = pickEntry(link.title);
              const label = title?.[1] ?? link.workId;
              return (
                <li key={link.workId}>
                  <span className="work-picker-thumb">{link.thumbnail && <img src={link.thumbnail} alt="" loading="lazy" />}</span>
                  <span lang={title ? htmlLang(title[0]) : undefined} className="links-editor-title">
                    {label}
                  </span>
                  <span className="button-row">
                    <button type="button" className="icon-button" disabled={i === 0} onClick={() => onChange({ ...section, links: moveItem(section.links, i, -1) })} aria-label={t('exhibitions.link.up', { title: label })}>
                      <ArrowUpIcon />
                    </button>
                    <button type="button" className="icon-button" disabled={i === section.links.length - 1} onClick={() => onChange({ ...section, links: moveItem(section.links, i, 1) })} aria-label={t('exhibitions.link.down', { title: label })}>
                      <ArrowDownIcon />
                    </button>
                    <button type="button" className="icon-button button-danger" onClick={() => onChange({ ...section, links: section.links.filter((_, j) => j !== i) })} aria-label={t('exhibitions.link.remove', { title: label })}>
                      <TrashIcon />
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
        )}
        {addingLink ? (
          <WorkPicker
            label={t('exhibitions.link.find')}
            onCancel={() => setAddingLink(false)}
            onPick={(work) => {
              setAddingLink(false);
              if (section.links.some((l) => l.workId === work.id)) return;
              onChange({ ...section, links: [...section.links, { workId: work.id, title: work.title, thumbnail: work.thumbnail?.url ?? null }] });
            }}
          />
        ) : (
          <button type="button" className="button button-small" disabled={section.links.length >= LINKS_MAX} onClick={() => setAddingLink(true)}>
            {t('exhibitions.link.add')}
          </button>
        )}
      </fieldset>
    </section>
  );
}
