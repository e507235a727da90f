import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { useI18n } from '../i18n';
import type { WorkDetail } from '../types';
import { ConfirmDialog } from './ConfirmDialog';
import { errorText } from './ErrorMessage';
import { AnnotationDetails } from './AnnotationDetails';
import { AnnotationForm, type AnnotationSaveError } from './AnnotationForm';
import { AnnotationList } from './AnnotationList';
import {
  annotationForQuery,
  annotationProblems,
  annotationsOf,
  annotationSummary,
  annotationTypeKey,
  fromAnnotationDraft,
  LAYER_STORAGE_KEY,
  layerInitiallyOn,
  newAnnotationId,
  refusedFields,
  toAnnotationDraft,
  withAnnotation,
  withoutAnnotation,
  type Annotation,
  type AnnotationDraft,
} from './AnnotationModel';
import { showOverlays, startDrawing, zoomToAnnotation, type LayerImage } from './AnnotationOverlays';
import type { ViewerHandle } from './AnnotationViewerContext';

interface Props {
  work: Pick<WorkDetail, 'id' | 'version' | 'metadata' | 'files' | 'canEdit'>;
  /** The open deep-zoom viewer, or null (not open yet, or fallen back to a plain image). */
  handle: ViewerHandle | null;
  /** sha256 of the image shown (side by side: the one brought into view). */
  currentFile: string | null;
  /** Shows another of the work's images. */
  onShowFile: (sha256: string) => void;
  /** The catalogue search that led here (`?q=`): the first annotation it matches is shown. */
  query: string | null;
  onSaved: (work: WorkDetail, message: string) => void;
  onReload: () => void;
}

type Mode = { kind: 'idle' } | { kind: 'drawing' } | { kind: 'form'; draft: AnnotationDraft; editing: string | null };

function storedChoice(): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(LAYER_STORAGE_KEY);
  } catch {
    // Storage refused (private mode): the default applies.
    return null;
  }
}

function rememberChoice(on: boolean): void {
  try {
    localStorage.setItem(LAYER_STORAGE_KEY, on ? '1' : '0');
  } catch {
    // Not remembered; the layer still switches.
  }
}

const random = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

/**
 * The annotations of a work's images beside its viewer: a switch for the outlines over the image,
 * the list of them (keyboard and screen readers), the details of the chosen one, and for editors
 * drawing, editing and deleting them, saved as a metadata edit with the work's version.
 */
export function AnnotationPanel({ work, handle, currentFile, onShowFile, query, onSaved, onReload }: Props) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const annotations = useMemo(() => annotationsOf(work.metadata), [work.metadata]);
  const imageFiles = useMemo(() => work.files.filter((f) => f.kind === 'image'), [work.files]);
  const images: LayerImage[] = useMemo(() => imageFiles.map((f) => ({ sha256: f.sha256, width: f.width, height: f.height })), [imageFiles]);
  const imageOrder = useMemo(() => images.map((i) => i.sha256), [images]);
  const [on, setOn] = useState(() => layerInitiallyOn(storedChoice(), work.canEdit));
  const [selected, setSelected] = useState<string | null>(null);
  const [pendingZoom, setPendingZoom] = useState<string | null>(null);
  const [foundBy, setFoundBy] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [showProblems, setShowProblems] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AnnotationSaveError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const searched = useRef<string | null>(null);

  const sizeOf = (file: string) => {
    const image = images.find((i) => i.sha256 === file);
    return image?.width && image.height ? { width: image.width, height: image.height } : null;
  };
  const chosen = annotations.find((a) => a.id === selected) ?? null;

  const choose = useCallback(
    (annotation: Annotation) => {
      setSelected(annotation.id);
      if (annotation.file !== currentFile) onShowFile(annotation.file);
      setPendingZoom(annotation.id);
    },
    [currentFile, onShowFile],
  );

  // A search led here: show the first annotation it matches, once per search and work.
  useEffect(() => {
    const key = `${work.id}\n${query ?? ''}`;
    if (searched.current === key) return;
    searched.current = key;
    const found = annotationForQuery(annotations, query, imageOrder);
    if (!found || !query) return;
    setOn(true);
    setFoundBy(query);
    choose(found);
  }, [work.id, query, annotations, imageOrder, choose]);

  // The outlines, drawn again when the viewer, the annotations or the choice change.
  const label = useCallback((a: Annotation) => [t(annotationTypeKey(a.type)), annotationSummary(a, lang)].filter(Boolean).join(': '), [t, lang]);
  useEffect(() => {
    if (!handle || !on || handle.closed) return;
    return showOverlays(handle, images, annotations, {
      selected,
      label,
      onSelect: (id) => {
        setSelected(id);
        setPendingZoom(id);
      },
    });
  }, [handle, on, images, annotations, selected, label]);

  // Zoom once the annotation's image is open (after switching images, the viewer opens anew).
  useEffect(() => {
    if (!handle || !pendingZoom) return;
    const annotation = annotations.find((a) => a.id === pendingZoom);
    if (!annotation) setPendingZoom(null);
    else if (zoomToAnnotation(handle, images, annotation)) setPendingZoom(null);
  }, [handle, pendingZoom, annotations, images]);

  const drawing = mode.kind === 'drawing';
  useEffect(() => {
    if (!drawing) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setMode({ kind: 'idle' });
    };
    document.addEventListener('keydown', onKey);
    const stop =
      handle && !handle.closed
        ? startDrawing(handle, images, (file, region) => {
            setShowProblems(false);
            setError(null);
            setMode({ kind: 'form', draft: toAnnotationDraft({ file, region }), editing: null });
          })
        : null;
    return () => {
      document.removeEventListener('keydown', onKey);
      stop?.();
    };
  }, [drawing, handle, images]);

  if (imageFiles.length === 0 || (annotations.length === 0 && !work.canEdit)) return null;

  const toggle = () => {
    setOn(!on);
    rememberChoice(!on);
    if (on) setMode({ kind: 'idle' });
  };

  const typeRegion = () => {
    const file = currentFile ?? imageOrder[0]!;
    const size = sizeOf(file);
    // The middle of the image, for the editor to adjust.
    const region = size ? { x: Math.floor(size.width / 4), y: Math.floor(size.height / 4), width: Math.max(1, Math.floor(size.width / 2)), height: Math.max(1, Math.floor(size.height / 2)) } : { x: 0, y: 0, width: 100, height: 100 };
    setShowProblems(false);
    setError(null);
    setMode({ kind: 'form', draft: toAnnotationDraft({ file, region }), editing: null });
  };

  const save = async (next: Annotation[], focusId: string | null, message: (version: number) => string) => {
    setSaving(true);
    setError(null);
    try {
      const saved = await api.updateWork(work.id, { expectedVersion: work.version, metadata: { ...work.metadata, annotations: next } });
      setMode({ kind: 'idle' });
      setSelected(focusId);
      onSaved(saved, message(saved.version));
    } catch (e) {
      const index = focusId ? next.findIndex((a) => a.id === focusId) : -1;
      setError({ conflict: e instanceof ApiError && e.status === 409, message: errorText(e, i18n), fields: e instanceof ApiError ? refusedFields(e.details, index) : [] });
    } finally {
      setSaving(false);
    }
  };

  const submit = () => {
    if (mode.kind !== 'form') return;
    const problems = annotationProblems(mode.draft, sizeOf(mode.draft.file));
    setShowProblems(true);
    if (problems.length > 0) return;
    const id = mode.editing ?? newAnnotationId(random, new Set(annotations.map((a) => a.id)));
    void save(withAnnotation(annotations, fromAnnotationDraft(mode.draft, id)), id, (version) => t('annotation.saved', { version }));
  };

  const remove = () => {
    setConfirming(false);
    if (!chosen) return;
    void save(withoutAnnotation(annotations, chosen.id), null, (version) => t('annotation.deleted', { version }));
  };

  const chosenImage = chosen ? imageOrder.indexOf(chosen.file) : -1;
  return (
    <section className="annotation-panel" aria-label={t('annotation.panelLabel')}>
      <div className="annotation-toolbar">
        <button type="button" className="button" aria-pressed={on} onClick={toggle} data-testid="annotation-toggle">
          {t('annotation.toggle', { count: annotations.length })}
        </button>
        {work.canEdit && mode.kind === 'idle' && (
          <button
            type="button"
            className="button"
            data-testid="annotation-add"
            onClick={() => {
              setOn(true);
              setError(null);
              setMode({ kind: 'drawing' });
            }}
          >
            {t('annotation.add')}
          </button>
        )}
      </div>
      {foundBy && chosen && (
        <p className="hint" role="status">
          {t('annotation.foundBySearch', { query: foundBy })}
        </p>
      )}
      {mode.kind === 'drawing' && (
        <div className="notice annotation-drawing" role="status">
          <p>{handle ? t('annotation.drawHint') : t('annotation.drawUnavailable')}</p>
          <div className="button-row">
            <button type="button" className="button" onClick={typeRegion}>
              {t('annotation.typeRegion')}
            </button>
            <button type="button" className="button" onClick={() => setMode({ kind: 'idle' })}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {mode.kind === 'form' && (
        <AnnotationForm
          draft={mode.draft}
          onChange={(draft) => setMode({ ...mode, draft })}
          isNew={mode.editing === null}
          problems={showProblems ? annotationProblems(mode.draft, sizeOf(mode.draft.file)) : []}
          error={error}
          saving={saving}
          imageSize={sizeOf(mode.draft.file)}
          onSubmit={submit}
          onCancel={() => {
            setError(null);
            setMode({ kind: 'idle' });
          }}
          onReload={onReload}
        />
      )}
      {mode.kind !== 'form' && error && (
        <div className="notice notice-error" role="alert">
          <p>{error.conflict ? t('annotation.conflict') : t('annotation.error', { message: error.message })}</p>
          {error.conflict && (
            <button type="button" className="button" onClick={onReload}>
              {t('annotation.reload')}
            </button>
          )}
        </div>
      )}
      {on && (
        <div className="annotation-browser">
          <AnnotationList
            annotations={annotations}
            imageOrder={imageOrder}
            selected={selected}
            onSelect={(id) => {
              const annotation = annotations.find((a) => a.id === id);
              if (annotation) choose(annotation);
            }}
          />
          {chosen && mode.kind !== 'form' && (
            <AnnotationDetails
              annotation={chosen}
              imageNumber={imageOrder.length > 1 && chosenImage >= 0 ? chosenImage + 1 : undefined}
              actions={
                <>
                  <button type="button" className="button button-small" onClick={() => choose(chosen)}>
                    {t('annotation.zoom')}
                  </button>
                  {work.canEdit && (
                    <>
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => {
                          setShowProblems(false);
                          setError(null);
                          setMode({ kind: 'form', draft: toAnnotationDraft(chosen), editing: chosen.id });
                        }}
                      >
                        {t('annotation.edit')}
                      </button>
                      <button type="button" className="button button-small button-danger" disabled={saving} onClick={() => setConfirming(true)}>
                        {t('annotation.delete')}
                      </button>
                    </>
                  )}
                </>
              }
            />
          )}
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        message={chosen ? t('annotation.deleteConfirm', { type: t(annotationTypeKey(chosen.type)) }) : ''}
        confirmLabel={t('annotation.delete')}
        onConfirm={remove}
        onCancel={() => setConfirming(false)}
      />
    </section>
  );
}
