import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../i18n';
import { InstanceProvider } from '../../instance';
import type { UiLang } from '../../lang';
import { SessionProvider } from '../../session';
import type { FileView, WorkDetail } from '../../types';
import { ReuseRights } from './ReuseRights';
import { WorkReadingText } from './WorkReadingText';
import { WorkTabs } from './WorkTabs';
import { WorkTombstone } from './WorkTombstone';

/** Server-renders in one interface language, inside the providers the work page has (signed out). */
function render(lang: UiLang, node: ReactElement): string {
  vi.stubGlobal('navigator', { languages: [lang], language: lang });
  return renderToStaticMarkup(createElement(I18nProvider, null, createElement(SessionProvider, null, createElement(InstanceProvider, null, node))));
}
afterEach(() => vi.unstubAllGlobals());

const SHA = 'c'.repeat(64);
const file: FileView = {
  sha256: SHA,
  name: 'xishan.tif',
  mediaType: 'image/tiff',
  kind: 'image',
  size: 1000,
  width: 4000,
  height: 9000,
  placeholder: null,
  url: null,
  derivatives: {},
  download: { kind: 'display', url: `/api/works/w1/files/${SHA}/display?download=1` },
  iiif: null,
};

function work(metadata: Partial<WorkDetail['metadata']> = {}, extra: Partial<WorkDetail> = {}): WorkDetail {
  return {
    id: 'w1',
    version: 3,
    visibility: 'public',
    workType: 'image',
    collectionId: null,
    ownerId: null,
    sourceKey: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-02T00:00:00Z',
    canEdit: false,
    downloadPolicy: null,
    download: { policy: 'display', source: 'rights' },
    files: [file],
    iiif: null,
    metadata: {
      title: { 'zh-Hant': '谿山行旅圖', en: 'Travelers among Mountains and Streams' },
      creators: [{ name: { 'zh-Hans': '范宽', en: 'Fan Kuan' }, role: 'artist', lifeDates: 'active c. 1000' }],
      date: { display: { 'zh-Hans': '北宋' }, earliest: 1000, latest: 1020 },
      medium: { en: 'Ink and colour on silk' },
      dimensions: { en: '206.3 × 103.3 cm' },
      institution: { en: 'National Palace Museum' },
      inventoryNumber: '故畫000826',
      subjects: [],
      inscriptions: [{ kind: 'signature', text: { 'zh-Hant': '范寬' } }],
      classification: {},
      annotations: [
        { id: 'aseal', type: 'seal', file: SHA, region: { x: 1, y: 1, width: 5, height: 5 }, transcription: '御書之寶', transcriptionLanguage: 'zh-Hant', translation: { en: 'Treasure of imperial calligraphy' } },
        { id: 'adamage', type: 'damage', file: SHA, region: { x: 9, y: 9, width: 5, height: 5 } },
      ],
      notes: [],
      ...metadata,
    },
    ...extra,
  };
}

describe('WorkTombstone', () => {
  it('names the other titles’ languages in words, and gives creators their role and life dates', () => {
    const html = render('en', createElement(WorkTombstone, { work: work(), title: createElement('h1', null, 'T'), titleTag: 'en' }));
    expect(html).toContain('<span lang="zh-Hant" class="tombstone-alt-title">谿山行旅圖</span> <span class="tombstone-lang">Traditional Chinese</span>');
    expect(html).not.toMatch(/>zh-Hant</);
    expect(html).toContain('Artist');
    expect(html).toContain('(active c. 1000)');
    expect(html).toContain('故畫000826');
    expect(html).toContain('Ink and colour on silk');
    const zh = render('zh-Hans', createElement(WorkTombstone, { work: work(), title: null, titleTag: 'zh-Hant' }));
    expect(zh).toContain('<span class="tombstone-lang">英文</span>');
    expect(zh).not.toContain('<h1');
  });
});

describe('WorkReadingText', () => {
  it('sets inscriptions and transcribed regions as prose, and leaves regions without words to the viewer', () => {
    const html = render('en', createElement(WorkReadingText, { work: work({ description: { en: 'A towering peak.' } }) }));
    expect(html).toContain('About this work');
    expect(html).toContain('A towering peak.');
    expect(html).toContain('Signature');
    expect(html).toContain('<p class="inscription-original prewrap" lang="zh-Hant">御書之寶</p>');
    expect(html).toContain('Treasure of imperial calligraphy');
    expect(html.match(/class="inscription-item"/g)).toHaveLength(2);
  });

  it('renders nothing for a record with no text to read', () => {
    expect(render('en', createElement(WorkReadingText, { work: work({ inscriptions: [], annotations: [] }) }))).toBe('');
  });
});

describe('ReuseRights', () => {
  it('says in plain words that a work in copyright may be looked at, not reused, and whom to ask', () => {
    const html = render('en', createElement(ReuseRights, { work: work({ rights: { uri: 'http://rightsstatements.org/vocab/InC/1.0/' } }), file, title: 'Travelers' }));
    expect(html).toContain('data-reuse="in-copyright"');
    expect(html).toContain('you may look at it here, but not reuse it');
    expect(html).toContain('To license it, contact <span lang="en">National Palace Museum</span>.');
    expect(html).toContain(`href="/api/works/w1/files/${SHA}/display?download=1"`);
    expect(html).toContain('Download a display copy');
    expect(html).toContain('Travelers, Fan Kuan, National Palace Museum');
  });

  it('tells visitors a public-domain image is theirs to use, in Chinese too, with the record’s own credit line', () => {
    const pd = work({ rights: { uri: 'https://creativecommons.org/publicdomain/mark/1.0/' }, notes: [{ label: 'Credit Line', text: { en: 'Gift of the Dillon Fund, 1973' } }] });
    const html = render('zh-Hans', createElement(ReuseRights, { work: pd, file: { ...file, download: { kind: 'master', url: `/api/works/w1/files/${SHA}` } }, title: '谿山行旅圖' }));
    expect(html).toContain('公有领域');
    expect(html).not.toContain('如需授权');
    expect(html).toContain('Gift of the Dillon Fund, 1973');
    expect(html).toContain('下载原始文件');
  });

  it('offers no download when the policy gives none', () => {
    const html = render('en', createElement(ReuseRights, { work: work({}, { download: { policy: 'none', source: 'work' } }), file: { ...file, download: null }, title: 'T' }));
    expect(html).toContain('This work is not offered for download.');
    expect(html).not.toContain('download=');
  });
});

describe('WorkTabs', () => {
  it('is a tab list with one tab stop, the selected tab pointing at its panel', () => {
    const html = render(
      'en',
      createElement(WorkTabs<'about' | 'staff'>, {
        idBase: 'work',
        label: 'Sections',
        selected: 'staff',
        onSelect: () => undefined,
        tabs: [
          { id: 'about', label: 'About' },
          { id: 'staff', label: 'Staff' },
        ],
      }),
    );
    expect(html).toContain('role="tablist" aria-label="Sections"');
    expect(html).toContain('id="work-tab-about" aria-selected="false" tabindex="-1"');
    expect(html).toContain('id="work-tab-staff" aria-selected="true" aria-controls="work-panel-staff" tabindex="0"');
  });
});
