import { describe, expect, it } from 'vitest';
import { album12, allMetadata, BASE, canvasInput, handscroll, manifestId, nestedCollection, noMetadata, provider, singleImage } from '../../../test/fixtures/iiif/presentation-inputs.js';
import {
  buildCollection,
  buildManifest,
  collectionPageId,
  type LabelValue,
  type LanguageMap,
  type Manifest,
  MAX_COLLECTION_ITEMS,
  pagedCollectionRefs,
  plainText,
  PRESENTATION_CONTEXT,
  PresentationInputError,
  rightsUri,
} from './presentation.js';

function entry(manifest: Manifest, enLabel: string): LabelValue | undefined {
  return manifest.metadata?.find((m) => m.label.en?.[0] === enLabel);
}

function reasonOf(build: () => unknown): string | null {
  try {
    build();
    return null;
  } catch (error) {
    if (error instanceof PresentationInputError) return error.reason;
    throw error;
  }
}

/** Every language map in a document: label, summary, metadata and requiredStatement labels and values. */
function languageMaps(node: unknown, out: LanguageMap[] = []): LanguageMap[] {
  if (Array.isArray(node)) for (const item of node) languageMaps(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (['label', 'summary', 'value'].includes(key) && value && typeof value === 'object' && !Array.isArray(value)) out.push(value as LanguageMap);
      else languageMaps(value, out);
    }
  }
  return out;
}

describe('buildManifest: a single image', () => {
  const manifest = buildManifest(singleImage());
  const id = manifestId('w-single');

  it('is a Presentation 3 Manifest with the work’s title in each language it has', () => {
    expect(manifest['@context']).toBe(PRESENTATION_CONTEXT);
    expect(Object.keys(manifest)[0]).toBe('@context');
    expect(manifest.id).toBe(id);
    expect(manifest.type).toBe('Manifest');
    expect(manifest.label).toEqual({ 'zh-Hans': ['江南春图'], 'zh-Hant': ['江南春圖'], en: ['Spring in Jiangnan'] });
    expect(manifest.summary).toEqual({ 'zh-Hans': ['文徵明晚年山水。'], en: ['A late landscape by Wen Zhengming.'] });
  });

  it('paints the image on one canvas through the Image API service, with derived ids', () => {
    const service = canvasInput(1).imageServiceId;
    expect(manifest.items).toHaveLength(1);
    const canvas = manifest.items[0]!;
    expect(canvas).toMatchObject({ id: `${id}/canvas/1`, type: 'Canvas', width: 768, height: 512, label: { none: ['1'] } });
    expect(canvas.items).toEqual([
      {
        id: `${id}/page/1`,
        type: 'AnnotationPage',
        items: [
          {
            id: `${id}/annotation/1`,
            type: 'Annotation',
            motivation: 'painting',
            body: { id: `${service}/full/max/0/default.jpg`, type: 'Image', format: 'image/jpeg', width: 768, height: 512, service: [{ id: service, type: 'ImageService3', profile: 'level2' }] },
            target: `${id}/canvas/1`,
          },
        ],
      },
    ]);
    expect(canvas.annotations).toBeUndefined();
  });

  it('gives the manifest and the canvas a thumbnail that carries the image service', () => {
    const service = canvasInput(1).imageServiceId;
    const expected = [{ id: `${service}/full/!400,400/0/default.jpg`, type: 'Image', format: 'image/jpeg', width: 400, height: 267, service: [{ id: service, type: 'ImageService3', profile: 'level2' }] }];
    expect(manifest.thumbnail).toEqual(expected);
    expect(manifest.items[0]!.thumbnail).toEqual(expected);
  });

  it('lists creators with their life dates, date, medium and rights as metadata labelled in three languages', () => {
    expect(manifest.metadata).toEqual([
      { label: { 'zh-Hans': ['艺术家'], 'zh-Hant': ['藝術家'], en: ['Artist'] }, value: { 'zh-Hans': ['文徵明（1470–1559）'], en: ['Wen Zhengming (1470–1559)'] } },
      { label: { 'zh-Hans': ['年代'], 'zh-Hant': ['年代'], en: ['Date'] }, value: { 'zh-Hans': ['明嘉靖二十六年（1547）'], en: ['Ming dynasty, 1547'] } },
      { label: { 'zh-Hans': ['材质'], 'zh-Hant': ['材質'], en: ['Medium'] }, value: { 'zh-Hans': ['纸本设色'], en: ['Ink and colour on paper'] } },
      // Clients may not show `rights`; the entry shows it to readers as written (https, readable in a browser).
      { label: { 'zh-Hans': ['权利'], 'zh-Hant': ['權利'], en: ['Rights'] }, value: { none: ['https://creativecommons.org/publicdomain/mark/1.0/'] } },
    ]);
  });

  it('states rights in the canonical http form, the provider as an Agent, and who to credit', () => {
    expect(manifest.rights).toBe('http://creativecommons.org/publicdomain/mark/1.0/');
    expect(manifest.provider).toEqual([
      {
        id: `${BASE}/`,
        type: 'Agent',
        label: { 'zh-Hans': ['苏州博物馆'], 'zh-Hant': ['蘇州博物館'], en: ['Suzhou Museum'] },
        homepage: [{ id: `${BASE}/`, type: 'Text', label: { 'zh-Hans': ['苏州博物馆'], 'zh-Hant': ['蘇州博物館'], en: ['Suzhou Museum'] }, format: 'text/html' }],
        logo: [{ id: `${BASE}/api/instance/logo?v=0123456789abcdef`, type: 'Image', format: 'image/png', width: 240, height: 80 }],
      },
    ]);
    // Without an attribution the provider's name is the statement a client must show.
    expect(manifest.requiredStatement).toEqual({ label: { 'zh-Hans': ['提供'], 'zh-Hant': ['提供'], en: ['Provided by'] }, value: { 'zh-Hans': ['苏州博物馆'], 'zh-Hant': ['蘇州博物館'], en: ['Suzhou Museum'] } });
  });

  it('links the public page as homepage and the JSON record as seeAlso, and dates it for timelines', () => {
    expect(manifest.homepage).toEqual([{ id: `${BASE}/works/w-single`, type: 'Text', label: manifest.label, format: 'text/html' }]);
    expect(manifest.seeAlso).toEqual([{ id: `${BASE}/api/works/w-single`, type: 'Dataset', label: { 'zh-Hans': ['作品记录（JSON）'], 'zh-Hant': ['作品記錄（JSON）'], en: ['Work record (JSON)'] }, format: 'application/json' }]);
    expect(manifest.navDate).toBe('1547-01-01T00:00:00Z');
    expect(manifest.viewingDirection).toBeUndefined();
    expect(manifest.behavior).toBeUndefined();
  });

  it('is the same document every time (ids derive from the manifest id alone)', () => {
    expect(JSON.stringify(buildManifest(singleImage()))).toBe(JSON.stringify(manifest));
    const slashed = buildManifest({ ...singleImage(), manifestId: `${id}/` });
    expect(slashed.items[0]!.id).toBe(`${id}/canvas/1`);
  });
});

describe('buildManifest: several views', () => {
  it('keeps an album’s 12 leaves in order, numbered canvas/1 … canvas/12, paged', () => {
    const manifest = buildManifest(album12());
    const id = manifestId('w-album');
    expect(manifest.items.map((c) => c.id)).toEqual(Array.from({ length: 12 }, (_, i) => `${id}/canvas/${i + 1}`));
    expect(manifest.items.map((c) => c.items[0]!.id)).toEqual(Array.from({ length: 12 }, (_, i) => `${id}/page/${i + 1}`));
    expect(manifest.items.map((c) => c.label.en?.[0])).toEqual(Array.from({ length: 12 }, (_, i) => `Leaf ${i + 1}`));
    expect(manifest.items[11]!.items[0]!.items[0]!.body.service![0]!.id).toBe(canvasInput(12).imageServiceId);
    expect(manifest.behavior).toEqual(['paged']);
    expect(manifest.rights).toBe('http://rightsstatements.org/vocab/InC/1.0/');
    // The manifest's thumbnail is the first leaf's.
    expect(manifest.thumbnail![0]!.id).toBe(canvasInput(1).thumbnail.url);
  });

  it('reads a handscroll right to left, stitched continuously; with no English title it has no English label', () => {
    const manifest = buildManifest(handscroll());
    expect(manifest.viewingDirection).toBe('right-to-left');
    expect(manifest.behavior).toEqual(['continuous']);
    expect(manifest.label).toEqual({ 'zh-Hans': ['清明上河图（局部）'], 'zh-Hant': ['清明上河圖（局部）'] });
    expect(manifest.items.map((c) => [c.width, c.height])).toEqual([[4096, 512], [4096, 512], [4096, 512]]);
    expect(manifest.metadata).toBeUndefined();
    expect(manifest.summary).toBeUndefined();
  });

  it('references annotation pages (seals, inscriptions) from the canvas they are about', () => {
    const manifest = buildManifest(allMetadata());
    expect(manifest.items[0]!.annotations).toEqual([
      { id: `${BASE}/iiif/3/annotations/w-full/seals`, type: 'AnnotationPage' },
      { id: `${BASE}/iiif/3/annotations/w-full/inscriptions`, type: 'AnnotationPage' },
    ]);
    expect(manifest.items[1]!.annotations).toBeUndefined();
  });

  it('names the full image in the service’s format: PNG as png, a type the service does not render as JPEG', () => {
    const png = buildManifest(allMetadata()).items[1]!.items[0]!.items[0]!.body;
    expect(png.format).toBe('image/png');
    expect(png.id.endsWith('/full/max/0/default.png')).toBe(true);
    const tiff = buildManifest({ ...noMetadata(), canvases: [canvasInput(1, undefined, { mediaType: 'image/tiff' })] }).items[0]!.items[0]!.items[0]!.body;
    expect(tiff.format).toBe('image/jpeg');
    expect(tiff.id.endsWith('/full/max/0/default.jpg')).toBe(true);
  });
});

describe('buildManifest: metadata', () => {
  const manifest = buildManifest(allMetadata());

  it('groups creators by role in order of appearance and gives every creator a value in every language', () => {
    const artists = entry(manifest, 'Artist')!;
    // 仇英 has no English name: English readers still see him, in Chinese, rather than only Wen Zhengming.
    expect(artists.value).toEqual({ 'zh-Hans': ['文徵明（1470–1559, Chinese）', '仇英'], en: ['Wen Zhengming (1470–1559, Chinese)', '仇英'] });
    expect(entry(manifest, 'Calligrapher')!.value).toEqual({ 'zh-Hans': ['董其昌'], en: ['Dong Qichang'] });
    expect(manifest.metadata!.findIndex((m) => m.label.en?.[0] === 'Artist')).toBe(0);
    expect(manifest.metadata!.findIndex((m) => m.label.en?.[0] === 'Calligrapher')).toBe(1);
  });

  it('writes each field once, in reading order, with inscriptions grouped by kind', () => {
    expect(manifest.metadata!.map((m) => m.label.en?.[0] ?? m.label.none?.[0])).toEqual([
      'Artist', 'Calligrapher', 'Date', 'Medium', 'Dimensions', 'Place', 'Subjects', 'Seal', 'Colophon', 'Provenance', 'Institution', 'Collection', 'Inventory number', 'Registration', 'Rights', 'Source record', 'Date acquired',
    ]);
    expect(entry(manifest, 'Seal')!.value).toEqual({ 'zh-Hans': ['徵明', '停云'] });
    expect(entry(manifest, 'Subjects')!.value).toEqual({ 'zh-Hans': ['山水', '园林'], en: ['Landscape', '园林'] });
    expect(entry(manifest, 'Dimensions')!.value).toEqual({ none: ['31.2 × 140.5 cm'] });
    expect(entry(manifest, 'Inventory number')!.value).toEqual({ none: ['SZM-1959-001'] });
    expect(entry(manifest, 'Source record')!.value).toEqual({ none: ['https://collection.museum.example/objects/1'] });
    // A note's label is as imported (language unknown); a note with only blank text is left out.
    expect(manifest.metadata!.at(-1)).toEqual({ label: { none: ['Date acquired'] }, value: { none: ['1959'] } });
    expect(manifest.metadata!.some((m) => m.label.none?.[0] === 'empty')).toBe(false);
  });

  it('puts a rights statement that is not CC or RightsStatements.org in metadata, never in rights', () => {
    expect(manifest.rights).toBeUndefined();
    expect(entry(manifest, 'Rights')!.value).toEqual({ 'zh-Hans': ['仅供研究使用', 'https://example.org/our-own-terms'], en: ['For research only', 'https://example.org/our-own-terms'] });
  });

  it('uses the given attribution as requiredStatement and links the registry receipt as seeAlso', () => {
    expect(manifest.requiredStatement!.value).toEqual({ 'zh-Hans': ['苏州博物馆藏'], en: ['Collection of the Suzhou Museum'] });
    expect(manifest.seeAlso!.map((s) => [s.id, s.type, s.format])).toEqual([
      [`${BASE}/api/works/w-single`, 'Dataset', 'application/json'],
      [`${BASE}/api/registry/registrations/r-000042/receipt.json`, 'Dataset', 'application/json'],
    ]);
    expect(manifest.partOf).toEqual([{ id: `${BASE}/iiif/3/collections/c-ming`, type: 'Collection', label: { 'zh-Hans': ['明代书画'], en: ['Ming painting and calligraphy'] } }]);
  });

  it('has no requiredStatement, provider or seeAlso when nothing is known', () => {
    const bare = buildManifest(noMetadata());
    expect(Object.keys(bare)).toEqual(['@context', 'id', 'type', 'label', 'thumbnail', 'items']);
    expect(bare.label).toEqual({ none: ['IMG_0042'] });
  });

  it('leaves the provider out while the institution has no name (an Agent must have a label)', () => {
    const unnamed = buildManifest({ ...singleImage(), provider: { ...provider, label: { en: ' ' } } });
    expect(unnamed.provider).toBeUndefined();
    expect(unnamed.requiredStatement).toBeUndefined();
  });
});

describe('language maps and HTML', () => {
  it('never lets a plain value look like HTML, in labels, summaries or metadata', () => {
    const manifest = buildManifest(allMetadata());
    expect(manifest.label).toEqual({ 'zh-Hans': [' <img src=x onerror=alert(1)> '], en: [' <b>Bold</b> claims'] });
    expect(manifest.summary).toEqual({ en: [' <p>not html</p> '] });
    const values = languageMaps(manifest).flatMap((m) => Object.values(m).flat());
    expect(values.length).toBeGreaterThan(40);
    for (const value of values) {
      expect(value.startsWith('<')).toBe(false);
      expect(value.trim()).not.toBe('');
    }
  });

  it('plainText: trims, drops blanks, and spaces out values starting with "<" (spec §4.5)', () => {
    expect(plainText('  江南春  ')).toBe('江南春');
    expect(plainText('   ')).toBeNull();
    expect(plainText(undefined)).toBeNull();
    expect(plainText('<script>alert(1)</script>')).toBe(' <script>alert(1)</script> ');
    expect(plainText('<3 letters')).toBe(' <3 letters');
    expect(plainText('a < b > c')).toBe('a < b > c');
  });

  it('omits empty languages, keeps a stable key order, and moves tags the schema refuses to none', () => {
    const manifest = buildManifest({ ...noMetadata(), label: { en: 'Title', 'zh-Hant': ' ', none: 'No. 7', 'zh-Hans': '标题', 'es-419': 'Título' } });
    expect(manifest.label).toEqual({ 'zh-Hans': ['标题'], en: ['Title'], none: ['No. 7', 'Título'] });
    expect(Object.keys(manifest.label)).toEqual(['zh-Hans', 'en', 'none']);
  });
});

describe('rightsUri', () => {
  it('accepts Creative Commons and RightsStatements.org URIs, in their canonical http form', () => {
    expect(rightsUri('https://creativecommons.org/licenses/by/4.0/')).toBe('http://creativecommons.org/licenses/by/4.0/');
    expect(rightsUri('https://creativecommons.org/licenses/by-nc-sa/4.0')).toBe('http://creativecommons.org/licenses/by-nc-sa/4.0/');
    expect(rightsUri('http://creativecommons.org/publicdomain/zero/1.0/')).toBe('http://creativecommons.org/publicdomain/zero/1.0/');
    expect(rightsUri('https://rightsstatements.org/vocab/NoC-OKLR/1.0/')).toBe('http://rightsstatements.org/vocab/NoC-OKLR/1.0/');
  });

  it('refuses anything else, including look-alikes and the human-readable pages', () => {
    for (const uri of ['https://example.org/terms', 'https://creativecommons.org.evil.example/licenses/by/4.0/', 'http://rightsstatements.org/page/InC/1.0/', 'https://creativecommons.org/about/', 'In copyright', '', undefined]) {
      expect(rightsUri(uri)).toBeNull();
    }
  });
});

describe('buildManifest refuses what cannot be a valid Manifest', () => {
  it('a work with no images (the route answers 404)', () => {
    expect(reasonOf(() => buildManifest({ ...singleImage(), canvases: [] }))).toBe('no_canvases');
  });

  it('ids that are not absolute http(s) URLs, as before the public URL is set', () => {
    expect(reasonOf(() => buildManifest({ ...singleImage(), manifestId: '/iiif/3/manifests/w-single' }))).toBe('not_http_url');
    expect(reasonOf(() => buildManifest({ ...singleImage(), homepage: 'javascript:alert(1)' }))).toBe('not_http_url');
    expect(reasonOf(() => buildManifest({ ...singleImage(), canvases: [canvasInput(1, undefined, { imageServiceId: '/iiif/3/images/x' })] }))).toBe('not_http_url');
    expect(reasonOf(() => buildManifest({ ...singleImage(), manifestId: `${manifestId('w')}#x` }))).toBe('not_http_url');
  });

  it('a title with no text, and sizes that are not positive integers', () => {
    expect(reasonOf(() => buildManifest({ ...singleImage(), label: { en: '  ' } }))).toBe('no_label');
    expect(reasonOf(() => buildManifest({ ...singleImage(), canvases: [canvasInput(1, { width: 0, height: 512 })] }))).toBe('bad_dimensions');
    expect(reasonOf(() => buildManifest({ ...singleImage(), canvases: [canvasInput(1, { width: 768.5, height: 512 })] }))).toBe('bad_dimensions');
  });

  it('leaves navDate out for years an XSD dateTime cannot carry, and pads early years', () => {
    expect(buildManifest({ ...noMetadata(), navYear: -221 }).navDate).toBeUndefined();
    expect(buildManifest({ ...noMetadata(), navYear: 0 }).navDate).toBeUndefined();
    expect(buildManifest({ ...noMetadata(), navYear: 800 }).navDate).toBe('0800-01-01T00:00:00Z');
  });
});

describe('buildCollection', () => {
  it('lists manifest and collection references with labels and thumbnails', () => {
    const collection = buildCollection(nestedCollection());
    expect(collection).toMatchObject({ '@context': PRESENTATION_CONTEXT, id: `${BASE}/iiif/3/collections/c-ming`, type: 'Collection', label: { 'zh-Hans': ['明代书画'], en: ['Ming painting and calligraphy'] } });
    expect(collection.items.map((i) => [i.type, i.id])).toEqual([
      ['Collection', `${BASE}/iiif/3/collections/c-wu`],
      ['Manifest', manifestId('w-single')],
      ['Manifest', manifestId('w-album')],
    ]);
    expect(collection.items[1]!.thumbnail![0]!.service).toEqual([{ id: canvasInput(1).imageServiceId, type: 'ImageService3', profile: 'level2' }]);
    expect(collection.items[2]!.thumbnail).toBeUndefined();
    expect(collection.partOf![0]!.id).toBe(`${BASE}/iiif/3/collections`);
    expect(collection.provider![0]!.type).toBe('Agent');
    expect(collection.requiredStatement!.value.en).toEqual(['Suzhou Museum']);
  });

  it('may be empty (a collection with no public works yet), but refuses more than one document should hold', () => {
    expect(buildCollection({ ...nestedCollection(), items: [] }).items).toEqual([]);
    const many = Array.from({ length: MAX_COLLECTION_ITEMS + 1 }, (_, i) => ({ type: 'Manifest' as const, id: manifestId(`w${i}`), label: { none: `w${i}` } }));
    expect(reasonOf(() => buildCollection({ ...nestedCollection(), items: many }))).toBe('too_many_items');
    expect(reasonOf(() => buildCollection({ ...nestedCollection(), items: [{ type: 'Manifest', id: manifestId('x'), label: {} }] }))).toBe('no_label');
  });

  it('splits a large set into numbered sub-collections', () => {
    const top = `${BASE}/iiif/3/collections/all`;
    const refs = pagedCollectionRefs(top, 2500);
    expect(refs.map((r) => r.id)).toEqual([1, 2, 3].map((n) => `${top}/page/${n}`));
    expect(refs.map((r) => r.label.en)).toEqual(['Works 1–1000', 'Works 1001–2000', 'Works 2001–2500']);
    expect(refs[2]!.label['zh-Hans']).toBe('作品 2001–2500');
    expect(collectionPageId(`${top}/`, 2)).toBe(`${top}/page/2`);
    expect(pagedCollectionRefs(top, 0)).toEqual([]);
    expect(pagedCollectionRefs(top, 1000)).toHaveLength(1);
    expect(pagedCollectionRefs(top, 25, 10).map((r) => r.label.en)).toEqual(['Works 1–10', 'Works 11–20', 'Works 21–25']);
    expect(reasonOf(() => pagedCollectionRefs(top, MAX_COLLECTION_ITEMS * MAX_COLLECTION_ITEMS + 1))).toBe('too_many_items');
    expect(buildCollection({ id: top, label: { en: 'All' }, provider, items: refs }).items).toHaveLength(3);
  });
});
