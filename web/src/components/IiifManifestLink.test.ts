import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider, makeI18n, type MessageKey } from '../i18n';
import type { UiLang } from '../lang';
import type { WorkMetadata } from '../types';
import { IiifManifestLink } from './IiifManifestLink';
import { parseViewingDirection, VIEWING_DIRECTIONS, viewingDirectionKey, withViewingDirection } from './IiifSources';
import { IiifViewingDirectionField } from './IiifViewingDirectionField';

function render(lang: UiLang, node: ReactElement): string {
  vi.stubGlobal('navigator', { languages: [lang], language: lang });
  return renderToStaticMarkup(createElement(I18nProvider, null, node));
}
afterEach(() => vi.unstubAllGlobals());

const MANIFEST = 'https://archive.example/iiif/3/works/w1/manifest';

describe('IiifManifestLink', () => {
  it('links the IIIF badge to the manifest with itself as the manifest parameter, and shows the URL to copy', () => {
    const html = render('en', createElement(IiifManifestLink, { manifest: MANIFEST }));
    expect(html).toContain(`href="${MANIFEST}?manifest=${MANIFEST}"`);
    expect(html).toMatch(/<a [^>]*class="iiif-badge"[^>]*><svg[^>]*aria-hidden="true"[^>]*>.*>IIIF<\/text><\/svg><\/a>/s);
    expect(html).toContain(`value="${MANIFEST}"`);
    expect(html).toContain('Open in another IIIF viewer');
    expect(html).toContain('Mirador');
    expect(html).toContain('>Copy</button>');
  });

  it('says the same in Chinese', () => {
    const html = render('zh-Hans', createElement(IiifManifestLink, { manifest: MANIFEST }));
    expect(html).toContain('在其他 IIIF 查看器中打开');
    expect(html).toContain('aria-label="IIIF 清单（拖入 IIIF 查看器）"');
    expect(html).toContain('>复制</button>');
  });

  it('renders nothing for a manifest URL that is not http(s)', () => {
    expect(render('en', createElement(IiifManifestLink, { manifest: 'javascript:alert(1)' }))).toBe('');
  });
});

describe('the viewing direction field', () => {
  const metadata: WorkMetadata = { title: { en: 'Scroll' }, creators: [], subjects: [], inscriptions: [], classification: {}, notes: [], annotations: [], inventoryNumber: 'A-1' };

  it('offers unset and the four directions, labelled in each language', () => {
    const en = render('en', createElement(IiifViewingDirectionField, { value: 'right-to-left', onChange: () => {} }));
    expect([...en.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])).toEqual(['', 'left-to-right', 'right-to-left', 'top-to-bottom', 'bottom-to-top']);
    expect(en).toContain('Viewing direction');
    expect(en).toMatch(/<option value="right-to-left" selected="">Right to left \(handscroll\)<\/option>/);
    const zh = render('zh-Hans', createElement(IiifViewingDirectionField, { value: undefined, onChange: () => {} }));
    expect(zh).toContain('阅读方向');
    expect(zh).toContain('从右到左（手卷）');
  });

  it('sets the field, or removes it when unset, leaving the rest of the record alone', () => {
    expect(withViewingDirection(metadata, parseViewingDirection('right-to-left'))).toEqual({ ...metadata, viewingDirection: 'right-to-left' });
    expect(withViewingDirection({ ...metadata, viewingDirection: 'top-to-bottom' }, parseViewingDirection(''))).toEqual(metadata);
    expect(parseViewingDirection('sideways')).toBeUndefined();
  });
});

describe('the messages of the viewer, filmstrip, IIIF link and field', () => {
  const KEYS: MessageKey[] = [
    'viewer.fullscreen',
    'viewer.exitFullscreen',
    'viewer.helpFullscreen',
    'filmstrip.label',
    'filmstrip.help',
    'iiif.open',
    'iiif.manifest',
    'iiif.copy',
    'iiif.copied',
    'iiif.copyFailed',
    'iiif.dragLabel',
    'iiif.dragHint',
    'field.viewingDirection',
    'edit.viewingDirectionHint',
    ...VIEWING_DIRECTIONS.map(viewingDirectionKey),
  ];
  const en = makeI18n('en', () => {}).i18n;
  const zh = makeI18n('zh-Hans', () => {}).i18n;

  it('exist in both languages, translated', () => {
    for (const key of KEYS) {
      expect(en.has(key), key).toBe(true);
      expect(zh.has(key), key).toBe(true);
      expect(zh.t(key), key).not.toBe(en.t(key));
    }
  });

  it('fill the filmstrip label with the same arguments in both languages', () => {
    const vars = { n: 2, count: 5, name: 'a.tif' };
    expect(en.t('filmstrip.item', vars)).toBe('Image 2 of 5: a.tif');
    expect(zh.t('filmstrip.item', vars)).toBe('第 2 幅，共 5 幅：a.tif');
  });
});
