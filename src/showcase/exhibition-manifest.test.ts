import { describe, expect, it } from 'vitest';
import { problems, validateManifest } from '../../test/fixtures/iiif/presentation-validator.js';
import { PresentationInputError } from '../publish/iiif/presentation.js';
import { buildExhibitionManifest, type ExhibitionCanvasInput } from './exhibition-manifest.js';

const BASE = 'https://museum.example';
const canvas = (n: number): ExhibitionCanvasInput['canvas'] => ({
  label: { en: `Work ${n}` },
  width: 4000,
  height: 3000,
  imageServiceId: `${BASE}/iiif/3/w${n}~abcdef0123456789`,
  mediaType: 'image/jpeg',
  thumbnail: { url: `${BASE}/api/works/w${n}/files/x/thumbnail`, width: 400, height: 300, mediaType: 'image/webp' },
});

describe('exhibition manifests', () => {
  const manifest = buildExhibitionManifest({
    slug: 'blue-green',
    manifestId: `${BASE}/iiif/3/exhibitions/blue-green`,
    title: { 'zh-Hans': '青绿山水', en: 'Blue and green' },
    summary: { en: 'Mineral colours.' },
    provider: { id: `${BASE}/`, label: { en: 'Museum' }, homepage: `${BASE}/` },
    homepage: `${BASE}/exhibitions/blue-green`,
    canvases: [
      { sectionId: 'one', heading: { en: 'One', 'zh-Hans': '其一' }, body: { en: '*Look* here.' }, region: { x: 10, y: 20, width: 300, height: 200 }, canvas: canvas(1) },
      { sectionId: 'two', heading: { en: 'Two' }, canvas: canvas(2) },
      { sectionId: 'three', canvas: canvas(3) },
    ],
  });

  it('validates against the Presentation 3.0 schema', () => {
    expect(problems(validateManifest, manifest)).toEqual([]);
  });

  it('comments each section on its canvas, at its region, in each language', () => {
    const [first, second, third] = manifest.items;
    expect(first!.annotations![0]!.items[0]).toMatchObject({ motivation: 'commenting', target: `${first!.id}#xywh=10,20,300,200` });
    expect(first!.annotations![0]!.items[0]!.body).toEqual([
      { type: 'TextualBody', value: '其一', format: 'text/plain', language: 'zh-Hans' },
      { type: 'TextualBody', value: '## One\n\n*Look* here.', format: 'text/markdown', language: 'en' },
    ]);
    expect(second!.annotations![0]!.items[0]).toMatchObject({ target: second!.id, body: [{ value: 'Two', format: 'text/plain', language: 'en' }] });
    // A section with neither heading nor text has nothing to say.
    expect(third!.annotations).toBeUndefined();
    expect(first!.items[0]!.items[0]!.body.service![0]!.id).toBe(`${BASE}/iiif/3/w1~abcdef0123456789`);
  });

  it('has a range per section and links the exhibition page', () => {
    expect(manifest.structures!.map((r) => [r.label, r.items[0]!.id])).toEqual([
      [{ 'zh-Hans': ['其一'], en: ['One'] }, manifest.items[0]!.id],
      [{ en: ['Two'] }, manifest.items[1]!.id],
      [{ none: ['3'] }, manifest.items[2]!.id],
    ]);
    expect(manifest.homepage![0]!.id).toBe(`${BASE}/exhibitions/blue-green`);
  });

  it('refuses an exhibition with no image to show', () => {
    expect(() => buildExhibitionManifest({ slug: 'empty', manifestId: `${BASE}/iiif/3/exhibitions/empty`, title: { en: 'Empty' }, homepage: `${BASE}/exhibitions/empty`, canvases: [] })).toThrow(PresentationInputError);
  });
});
