import { describe, expect, it } from 'vitest';
import { problems, validateAny, validateCollection, validateManifest } from '../../../test/fixtures/iiif/presentation-validator.js';
import { album12, allMetadata, BASE, canvasInput, handscroll, manifestId, nestedCollection, noMetadata, provider, singleImage } from '../../../test/fixtures/iiif/presentation-inputs.js';
import { buildCollection, buildManifest, type Collection, collectionPageId, type Manifest, MAX_COLLECTION_ITEMS, pagedCollectionRefs } from './presentation.js';

/**
 * Every document the builders make, checked against the IIIF presentation-validator's own JSON
 * Schema for 3.0 (test/fixtures/iiif/README.md says where it comes from), and a few broken ones
 * that must fail it, so a schema that accepted anything could not pass this file.
 */

const manifests: Record<string, () => Manifest> = {
  'a single image': () => buildManifest(singleImage()),
  'an album of 12 leaves': () => buildManifest(album12()),
  'a handscroll read right to left': () => buildManifest(handscroll()),
  'a work with no metadata': () => buildManifest(noMetadata()),
  'a work with every field, seals and hostile text': () => buildManifest(allMetadata()),
  'a work with an unknown language tag and a non-CC rights URI': () => buildManifest({ ...noMetadata(), label: { 'es-419': 'Título', en: 'Title' }, rights: { uri: 'https://example.org/terms' } }),
};

function archiveTop(total: number): Collection {
  const id = `${BASE}/iiif/3/collections`;
  return buildCollection({ id, label: { 'zh-Hans': '全部公开作品', en: 'All public works' }, provider, homepage: `${BASE}/`, items: pagedCollectionRefs(id, total) });
}

function archivePage(n: number, count: number): Collection {
  const top = `${BASE}/iiif/3/collections`;
  return buildCollection({
    id: collectionPageId(top, n),
    label: { 'zh-Hans': `作品 ${(n - 1) * MAX_COLLECTION_ITEMS + 1}–${(n - 1) * MAX_COLLECTION_ITEMS + count}` },
    partOf: [{ id: top, label: { en: 'All public works' } }],
    provider,
    items: Array.from({ length: count }, (_, i) => {
      const canvas = canvasInput(i + 1);
      return { type: 'Manifest' as const, id: manifestId(`w${i}`), label: { 'zh-Hans': `作品${i}` }, thumbnail: { ...canvas.thumbnail, imageServiceId: canvas.imageServiceId } };
    }),
  });
}

const collections: Record<string, () => Collection> = {
  'a curated collection with a sub-collection': () => buildCollection(nestedCollection()),
  'an empty collection': () => buildCollection({ ...nestedCollection(), items: [] }),
  'a collection with a rights statement, thumbnail and behaviour': () =>
    buildCollection({ ...nestedCollection(), rights: { uri: 'https://creativecommons.org/licenses/by/4.0/' }, thumbnail: { ...canvasInput(1).thumbnail, imageServiceId: canvasInput(1).imageServiceId }, behavior: 'multi-part', viewingDirection: 'right-to-left' }),
  'the archive’s top collection (pages of works)': () => archiveTop(123_456),
  'a full page of the archive': () => archivePage(1, MAX_COLLECTION_ITEMS),
};

describe('the builders’ documents validate against the official Presentation 3.0 schema', () => {
  for (const [name, build] of Object.entries(manifests)) {
    it(`Manifest: ${name}`, () => {
      const manifest = build();
      expect(problems(validateAny, manifest)).toEqual([]);
      expect(problems(validateManifest, manifest)).toEqual([]);
    });
  }
  for (const [name, build] of Object.entries(collections)) {
    it(`Collection: ${name}`, () => {
      const collection = build();
      expect(problems(validateAny, collection)).toEqual([]);
      expect(problems(validateCollection, collection)).toEqual([]);
    });
  }
  it('the archive’s top collection lists one page per 1,000 works', () => {
    expect(archiveTop(123_456).items).toHaveLength(124);
  });
});

describe('the schema check is live: broken documents fail it', () => {
  const good = () => JSON.parse(JSON.stringify(buildManifest(singleImage()))) as Record<string, unknown> & { items: Array<Record<string, unknown>> };

  it('a Manifest without a label', () => {
    const broken = good();
    delete broken.label;
    expect(problems(validateAny, broken)).not.toEqual([]);
  });

  it('a rights URI that is neither Creative Commons nor RightsStatements.org', () => {
    expect(problems(validateAny, { ...good(), rights: 'https://example.org/terms' })).not.toEqual([]);
    // The https form too: both vocabularies' URIs are http (why rightsUri normalises).
    expect(problems(validateAny, { ...good(), rights: 'https://creativecommons.org/licenses/by/4.0/' })).not.toEqual([]);
  });

  it('a language map whose value is a string rather than an array', () => {
    expect(problems(validateAny, { ...good(), label: { en: 'Spring in Jiangnan' } })).not.toEqual([]);
  });

  it('a canvas with a width and no height, or no items', () => {
    const noHeight = good();
    delete noHeight.items[0]!.height;
    expect(problems(validateAny, noHeight)).not.toEqual([]);
    const noItems = good();
    delete noItems.items[0]!.items;
    expect(problems(validateAny, noItems)).not.toEqual([]);
  });

  it('a relative id and an unknown viewing direction', () => {
    expect(problems(validateAny, { ...good(), id: '/iiif/3/manifests/w-single' })).not.toEqual([]);
    expect(problems(validateAny, { ...good(), viewingDirection: 'upwards' })).not.toEqual([]);
  });

  it('a navDate that is not an XSD dateTime, and an id that is not a URI (ajv-formats is live)', () => {
    expect(problems(validateAny, { ...good(), navDate: '1547' })).not.toEqual([]);
    expect(problems(validateAny, { ...good(), id: 'https://museum example/iiif/3/manifests/w' })).not.toEqual([]);
  });

  it('but not a Manifest with no canvases: the schema lets it pass, so buildManifest refuses it itself', () => {
    expect(problems(validateAny, { ...good(), items: [] })).toEqual([]);
    expect(() => buildManifest({ ...singleImage(), canvases: [] })).toThrow(/no images/);
  });

  it('a collection entry without an id', () => {
    const collection = JSON.parse(JSON.stringify(buildCollection(nestedCollection()))) as { items: Array<Record<string, unknown>> };
    delete collection.items[1]!.id;
    expect(problems(validateAny, collection)).not.toEqual([]);
  });
});
