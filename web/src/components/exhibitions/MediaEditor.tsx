import { useCallback, useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { FileView, ImageRegion, WorkDetail } from '../../types';
import { errorText } from '../ErrorMessage';
import { RegionNumberFields } from '../RegionNumberFields';
import { BODY_LANGS, mediaFor, parseRegion, showcaseWorkOf, toRegionDraft, type MediaDraft, type RegionDraft } from './exhibition-draft';
import { RegionPicker } from './RegionPicker';
import { WorkPicker } from './WorkPicker';

interface Props {
  /** Names the group ("Picture", "Cover picture"). */
  legend: string;
  media: MediaDraft | null;
  onChange: (media: MediaDraft | null) => void;
  /** Problems of this media from the form's check, already in words. */
  problems: string[];
  /** Audio and video files may be chosen too (a section plays them; the cover shows pictures only). */
  playable?: boolean;
}

const isPlayable = (file: FileView) => file.kind === 'audio' || file.kind === 'video';

/**
 * What a section (or the cover) shows: a work found in the catalogue, one of its image files (or,
 * in a section, an audio or video file to play), the region of an image to zoom to (dragged on the
 * picture or typed as x, y, width, height), and a caption in each language.
 */
export function MediaEditor({ legend, media, onChange, problems, playable = false }: Props) {
  const i18n = useI18n();
  const { t, langName, pickEntry } = i18n;
  const id = useId();
  const [picking, setPicking] = useState(false);
  const [detail, setDetail] = useState<WorkDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const workId = media?.workId ?? '';

  // The work's files, to choose among them and to draw on the chosen one.
  useEffect(() => {
    if (!workId) {
      setDetail(null);
      return;
    }
    let live = true;
    setLoadError(null);
    api.work(workId).then(
      (work) => live && setDetail(work),
      (e: unknown) => live && setLoadError(errorText(e, i18n)),
    );
    return () => {
      live = false;
    };
    // i18n only words the error.
  }, [workId]);

  // The files to choose among, in the work's order (the first stands for its main file).
  const choices = detail?.files.filter((f) => f.kind === 'image' || (playable && isPlayable(f))) ?? [];
  const chosenFile: FileView | null = media ? (choices.find((f) => f.sha256 === media.file) ?? (media.file ? null : (choices[0] ?? null))) : null;
  // Regions are for images: a recording is played, not zoomed.
  const plays = chosenFile !== null && isPlayable(chosenFile);
  const player = plays ? media?.work?.media : null;

  // Once the files arrive, the preview and the region check use the chosen file's size and service.
  const shownSha = media?.work?.image?.sha256 ?? null;
  useEffect(() => {
    if (!media || !detail || detail.id !== media.workId || !chosenFile || shownSha === chosenFile.sha256) return;
    onChange({ ...media, work: showcaseWorkOf(detail, chosenFile) });
  }, [media, detail, chosenFile, shownSha, onChange]);

  const setRegion = useCallback((region: ImageRegion | null) => media && onChange({ ...media, region: toRegionDraft(region) }), [media, onChange]);
  const onDrawn = useCallback((region: ImageRegion) => setRegion(region), [setRegion]);

  const title = pickEntry(media?.work?.title ?? detail?.metadata.title);
  const problemId = `${id}-problems`;

  return (
    <fieldset className="media-editor">
      <legend>{legend}</legend>
      {media ? (
        <>
          <div className="media-editor-work">
            <p>
              <span lang={title ? htmlLang(title[0]) : undefined} className="media-editor-title">
                {title?.[1] ?? media.workId}
              </span>{' '}
              <span className="hint" dir="ltr">
                {media.workId}
              </span>
              {media.work?.visibility === 'private' && <span className="badge badge-private">{t('card.private')}</span>}
            </p>
            <div className="button-row">
              <button type="button" className="button button-small" onClick={() => setPicking(true)}>
                {t('exhibitions.media.change')}
              </button>
              <button type="button" className="button button-small button-danger" onClick={() => onChange(null)}>
                {t('exhibitions.media.remove')}
              </button>
            </div>
          </div>
          {loadError && <p className="field-error">{loadError}</p>}
          {choices.length > 1 && (
            <div className="field">
              <label htmlFor={`${id}-file`}>{t('exhibitions.media.file')}</label>
              <select
                id={`${id}-file`}
                value={chosenFile?.sha256 ?? ''}
                onChange={(e) => {
                  const file = choices.find((f) => f.sha256 === e.target.value) ?? null;
                  // Another file has other pixels: a region drawn on the old one means nothing there.
                  if (detail) onChange({ ...media, file: e.target.value === choices[0]?.sha256 ? '' : e.target.value, region: null, work: showcaseWorkOf(detail, file) });
                }}
              >
                {choices.map((f, i) => {
                  // Numbered within their kind: "Image 2", "Audio 1".
                  const number = choices.slice(0, i + 1).filter((c) => c.kind === f.kind).length;
                  const label =
                    f.kind === 'audio'
                      ? t('exhibitions.media.fileOptionAudio', { number, name: f.name })
                      : f.kind === 'video'
                        ? t('exhibitions.media.fileOptionVideo', { number, name: f.name })
                        : t('exhibitions.media.fileOption', { number, name: f.name, width: f.width ?? 0, height: f.height ?? 0 });
                  return (
                    <option key={f.sha256} value={f.sha256}>
                      {label}
                    </option>
                  );
                })}
              </select>
            </div>
          )}
          {chosenFile && !plays && (
            <RegionPicker file={chosenFile} region={media.region ? parseRegion(media.region) : null} alt={title?.[1] ?? media.workId} onDrawn={onDrawn} />
          )}
          {plays && (
            <div className="media-editor-player">
              {player?.kind === 'video' ? (
                <video controls preload="metadata" src={player.url} aria-label={title?.[1] ?? media.workId} />
              ) : player ? (
                <audio controls preload="metadata" src={player.url} aria-label={title?.[1] ?? media.workId} />
              ) : null}
              <p className="hint">{t('exhibitions.media.playHint')}</p>
            </div>
          )}
          {!plays && (
            <fieldset className="region-fields">
              <legend>{t('exhibitions.region.legend')}</legend>
              {media.region ? (
                <>
                  <div className="region-inputs">
                    <RegionNumberFields
                      idPrefix={id}
                      values={media.region}
                      label={(field) => t(`exhibitions.region.${field}`)}
                      describedBy={problems.length ? problemId : undefined}
                      onChange={(field, value) => onChange({ ...media, region: { ...(media.region as RegionDraft), [field]: value } })}
                    />
                  </div>
                  <button type="button" className="button button-small" onClick={() => setRegion(null)}>
                    {t('exhibitions.region.whole')}
                  </button>
                </>
              ) : (
                <>
                  <p className="hint">{t('exhibitions.region.none')}</p>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      const w = chosenFile?.width ?? media.work?.image?.width ?? 0;
                      const h = chosenFile?.height ?? media.work?.image?.height ?? 0;
                      // The middle of the picture, for the curator to adjust.
                      setRegion(w && h ? { x: Math.floor(w / 4), y: Math.floor(h / 4), width: Math.max(1, Math.floor(w / 2)), height: Math.max(1, Math.floor(h / 2)) } : { x: 0, y: 0, width: 100, height: 100 });
                    }}
                  >
                    {t('exhibitions.region.type')}
                  </button>
                </>
              )}
            </fieldset>
          )}
          <fieldset className="lang-fields">
            <legend>{t('exhibitions.media.caption')}</legend>
            <div className="side-by-side">
              {[...BODY_LANGS, ...Object.keys(media.caption).filter((tag) => !(BODY_LANGS as readonly string[]).includes(tag))].map((tag) => (
                <div className="field" key={tag}>
                  <label htmlFor={`${id}-caption-${tag}`}>
                    <span className="visually-hidden">{t('exhibitions.media.caption')} — </span>
                    {langName(tag)}
                  </label>
                  <input id={`${id}-caption-${tag}`} type="text" lang={htmlLang(tag)} value={media.caption[tag] ?? ''} onChange={(e) => onChange({ ...media, caption: { ...media.caption, [tag]: e.target.value } })} />
                </div>
              ))}
            </div>
          </fieldset>
          {problems.length > 0 && (
            <ul id={problemId} className="field-error">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </>
      ) : (
        !picking && (
          <button type="button" className="button" onClick={() => setPicking(true)}>
            {t('exhibitions.media.choose')}
          </button>
        )
      )}
      {picking && (
        <WorkPicker
          label={t('exhibitions.picker.label')}
          onCancel={() => setPicking(false)}
          onPick={(work) => {
            setPicking(false);
            // The card's data until the work's files arrive; the preview fills in from them.
            onChange(
              mediaFor({
                id: work.id,
                title: work.title,
                creators: work.creators,
                date: work.date,
                visibility: work.visibility,
                image: null,
                media: null,
              }),
            );
          }}
        />
      )}
    </fieldset>
  );
}
