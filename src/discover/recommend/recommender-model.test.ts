import { describe, expect, it } from 'vitest';
import { SCALE_AT } from './list-builder.js';
import { buildModel, deserializeModel, serializeModel, type ModelInput } from './recommender-model.js';

function input(): ModelInput {
  const works = Array.from({ length: 30 }, (_, i) => ({ id: `w${i}`, industry: i % 2 ? 'painting' : 'calligraphy', heritage: null, tokens: [`creator:c${i % 5}`] }));
  const interactions: ModelInput['interactions'] = [];
  for (let p = 0; p < 40; p++) for (let k = 0; k < 6; k++) interactions.push({ person: `p${p}`, workId: `w${(p * 7 + k * (1 + (p % 3))) % 30}`, weight: 1 + (k % 2) });
  return { works, interactions, builtAt: '2026-12-07T00:00:00.000Z' };
}

describe('the recommender model', () => {
  it('measures the lists\' relevance scale when it is built, and keeps it through storage', () => {
    const model = buildModel(input());
    expect(model.relevanceScales).toHaveLength(SCALE_AT.length);
    for (const v of model.relevanceScales) expect(v).toBeGreaterThan(0);
    // A stronger popularity discount lowers the best discounted score.
    for (let k = 1; k < SCALE_AT.length; k++) expect(model.relevanceScales[k]).toBeLessThan(model.relevanceScales[k - 1]!);
    expect(deserializeModel(serializeModel(model)).relevanceScales).toEqual(model.relevanceScales);
  });

  it('reads a model stored before the scale existed, without one', () => {
    const model = buildModel(input());
    const bytes = serializeModel(model);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as Record<string, unknown>;
    delete header.relevanceScales;
    // Same length, so the arrays after the header stay where they were.
    const old = new TextEncoder().encode(JSON.stringify(header).padEnd(headerLength, ' '));
    const copy = bytes.slice();
    copy.set(old, 4);
    const read = deserializeModel(copy);
    expect(read.relevanceScales).toEqual([]);
    expect(read.workIds).toEqual(model.workIds);
  });

  it('has no scale without interactions (content only)', () => {
    expect(buildModel({ ...input(), interactions: [] }).relevanceScales).toEqual([]);
  });
});
