import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider, makeI18n } from '../i18n';
import type { UiLang } from '../lang';
import { CATALOGUES } from '../locales';
import type { FileView, WorkDetail } from '../types';
import { AnnotationDetails } from './AnnotationDetails';
import { AnnotationForm } from './AnnotationForm';
import { AnnotationList } from './AnnotationList';
import { ANNOTATION_TYPES, annotationProblemKey, annotationTypeKey, toAnnotationDraft, type Annotation } from './AnnotationModel';
import { AnnotationPanel } from './AnnotationPanel';

/** Server-renders in one interface language (the provider picks it from the browser's languages). */
function render(lang: UiLang, node: ReactElement): string {
  vi.stubGlobal('navigator', { languages: [lang], language: lang });
  return renderToStaticMarkup(createElement(I18nProvider, null, node));
}
afterEach(() => vi.unstubAllGlobals());

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const seal: Annotation = {
  id: 'aseal0001',
  type: 'seal',
  file: B,
  region: { x: 10, y: 20, width: 30, height: 40 },
  transcription: '文徵明印',
  transcriptionLanguage: 'zh-Hant',
  translation: { en: 'Seal of Wen Zhengming', 'zh-Hant': '文徵明之印' },
  owner: { name: { 'zh-Hant': '文徵明', en: 'Wen Zhengming' }, uri: 'https://www.wikidata.org/wiki/Q704981' },
  note: { en: 'Square relief seal' },
};
const colophon: Annotation = { id: 'acolo0001', type: 'colophon', file: A, region: { x: 0, y: 0, width: 5, height: 5 } };

const file = (sha256: string, name: string): FileView =>
  ({ sha256, name, kind: 'image', mediaType: 'image/png', width: 768, height: 512, url: null, derivatives: {}, iiif: null }) as unknown as FileView;
const work = (annotations: Annotation[], canEdit: boolean) =>
  ({
    id: 'w1',
    version: 3,
    canEdit,
    files: [file(A, 'one.png'), file(B, 'two.png')],
    metadata: { title: { en: 'Scroll' }, creators: [], subjects: [], inscriptions: [], classification: {}, notes: [], annotations },
  }) as unknown as Pick<WorkDetail, 'id' | 'version' | 'metadata' | 'files' | 'canEdit'>;
const panel = (annotations: Annotation[], canEdit: boolean, query: string | null = null) =>
  createElement(AnnotationPanel, { work: work(annotations, canEdit), handle: null, currentFile: A, onShowFile: () => {}, query, onSaved: () => {}, onReload: () => {} });

describe('AnnotationList', () => {
  it('is a list of buttons naming type, text (in its language) and image, the chosen one pressed', () => {
    const html = render('en', createElement(AnnotationList, { annotations: [seal, colophon], imageOrder: [A, B], selected: seal.id, onSelect: () => {} }));
    expect(html).toContain('aria-label="Annotations of this work"');
    expect(html).toMatch(/<button type="button" class="annotation-item" aria-pressed="true" data-annotation-id="aseal0001">/);
    expect(html).toMatch(/aria-pressed="false" data-annotation-id="acolo0001"/);
    expect(html).toContain('<span class="annotation-item-text" lang="zh-Hant" dir="auto">文徵明印</span>');
    expect(html).toContain('image 2');
    expect(html).toContain('>Colophon<');
  });

  it('speaks Chinese in the Chinese interface', () => {
    const html = render('zh-Hans', createElement(AnnotationList, { annotations: [seal], imageOrder: [A, B], selected: null, onSelect: () => {} }));
    expect(html).toContain('>印章<');
    expect(html).toContain('第 2 图');
  });
});

describe('AnnotationDetails', () => {
  it('marks the transcription with its language and links the owner safely', () => {
    const html = render('en', createElement(AnnotationDetails, { annotation: seal }));
    expect(html).toContain('<dd class="annotation-transcription" lang="zh-Hant">文徵明印</dd>');
    expect(html).toContain('<a href="https://www.wikidata.org/wiki/Q704981" rel="noopener noreferrer" target="_blank">Wen Zhengming</a>');
    expect(html).toContain('<dd lang="en">Seal of Wen Zhengming</dd>');
    expect(html).toContain('Square relief seal');
  });

  it('gives a Chinese reader the translation with a fallback to the other script', () => {
    const html = render('zh-Hans', createElement(AnnotationDetails, { annotation: seal }));
    expect(html).toContain('<dd lang="zh-Hant">文徵明之印</dd>');
    expect(html).toContain('<dt>所有者</dt>');
  });

  it('shows no link for an authority address that is not http(s)', () => {
    const html = render('en', createElement(AnnotationDetails, { annotation: { ...seal, owner: { name: { en: 'X' }, uri: 'javascript:alert(1)' } } }));
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<dd lang="en">X</dd>');
  });
});

describe('AnnotationForm', () => {
  it('labels every field, lists the problems and marks the region invalid', () => {
    const html = render(
      'en',
      createElement(AnnotationForm, {
        draft: toAnnotationDraft(seal),
        onChange: () => {},
        isNew: true,
        problems: ['regionOutside', 'uriInvalid'],
        error: null,
        saving: false,
        imageSize: { width: 768, height: 512 },
        onSubmit: () => {},
        onCancel: () => {},
        onReload: () => {},
      }),
    );
    for (const label of ['Type', 'Left', 'Top', 'Width', 'Height', 'Transcription', 'Language of the transcription', 'Authority link (URI)']) expect(html).toContain(`>${label}</label>`);
    expect(html).toContain('The image is 768 × 512 pixels');
    expect(html).toContain('The region must lie inside the image.');
    expect(html).toContain('The authority link must be an http(s) address.');
    expect(html).toMatch(/type="number"[^>]*aria-invalid="true"/);
    expect(html).toContain('<textarea');
    expect(html).toContain('lang="zh-Hant"');
    for (const type of ['Seal', 'Inscription', 'Colophon', 'Signature', 'Damage', 'Note']) expect(html).toContain(`>${type}</option>`);
  });

  it('offers to reload after a version conflict', () => {
    const html = render(
      'zh-Hans',
      createElement(AnnotationForm, {
        draft: toAnnotationDraft(seal),
        onChange: () => {},
        isNew: false,
        problems: [],
        error: { conflict: true, message: 'x', fields: [] },
        saving: false,
        imageSize: null,
        onSubmit: () => {},
        onCancel: () => {},
        onReload: () => {},
      }),
    );
    expect(html).toContain('编辑注释');
    expect(html).toContain('重新加载作品');
  });
});

describe('AnnotationPanel', () => {
  it('shows nothing to a visitor of a work without annotations', () => {
    expect(render('en', panel([], false))).toBe('');
  });

  it('offers a visitor the switch with the count, off by default', () => {
    const html = render('en', panel([seal, colophon], false));
    expect(html).toContain('aria-pressed="false" data-testid="annotation-toggle">Annotations (2)</button>');
    expect(html).not.toContain('annotation-list');
    expect(html).not.toContain('Add annotation');
    expect(render('zh-Hans', panel([seal], false))).toContain('注释（1）');
  });

  it('gives an editor the layer on and the Add button, even before there are annotations', () => {
    const html = render('en', panel([], true));
    expect(html).toContain('aria-pressed="true" data-testid="annotation-toggle">Annotations (0)</button>');
    expect(html).toContain('Add annotation');
    expect(render('zh-Hans', panel([], true))).toContain('添加注释');
  });
});

describe('annotation messages', () => {
  it('exist in both languages for every type and problem', () => {
    const keys = [...ANNOTATION_TYPES.map(annotationTypeKey), ...(['regionInvalid', 'regionOutside', 'languageInvalid', 'uriInvalid', 'ownerNameRequired'] as const).map(annotationProblemKey)];
    for (const lang of ['en', 'zh-Hans'] as const) {
      const work: Record<string, string> = CATALOGUES[lang].work;
      const { i18n } = makeI18n(lang, () => {});
      for (const key of keys) {
        expect(work[key], `${lang} ${key}`).toBeTruthy();
        expect(i18n.t(key)).not.toBe(key);
      }
    }
    expect(Object.keys(CATALOGUES.en.work).filter((k) => k.startsWith('annotation.')).sort()).toEqual(Object.keys(CATALOGUES['zh-Hans'].work).filter((k) => k.startsWith('annotation.')).sort());
  });
});
