import { describe, expect, it } from 'vitest';
import { anchorDocument, canonicalDetails, chainRecord, ChainVerifier, GENESIS_HASH, hashAuditRecord, type AuditRecord } from './audit-chain.js';

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 0; i < n; i++) {
    const record = chainRecord(head, { at: `2026-01-01T00:00:0${i % 10}.000Z`, actor: `u${i % 3}`, action: 'auth.sign_in', targetType: 'user', targetId: `u${i % 3}`, outcome: 'ok', details: canonicalDetails({ n: i }), ip: '' });
    out.push(record);
    head = record;
  }
  return out;
}

function verify(records: AuditRecord[], head?: { seq: number; hash: string }) {
  const v = new ChainVerifier();
  for (const r of records) if (v.push(r)) break;
  return v.finish(head ?? null);
}

describe('audit chain', () => {
  it('hashes a fixed record to a fixed value (the encoding is a format: changing it breaks old chains)', () => {
    const record = { seq: 1, at: '2026-01-01T00:00:00.000Z', actor: 'system', action: 'export.bag', targetType: 'collection', targetId: 'c1', outcome: 'ok', details: '{"works":3}', ip: '', prevHash: GENESIS_HASH };
    expect(hashAuditRecord(record)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditRecord(record)).toBe(hashAuditRecord({ ...record }));
    expect(hashAuditRecord({ ...record, details: '{"works":4}' })).not.toBe(hashAuditRecord(record));
    expect(anchorDocument(1, 'ab')).not.toBe(anchorDocument(2, 'ab'));
  });

  it('sorts details keys so the same facts hash the same', () => {
    expect(canonicalDetails({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
    expect(canonicalDetails(undefined)).toBe('{}');
  });

  it('accepts an untouched chain up to its head', () => {
    const records = chain(25);
    expect(verify(records, records[24])).toBeNull();
  });

  it('names an edited record', () => {
    const records = chain(10);
    records[6] = { ...records[6]!, details: '{"n":666}' };
    expect(verify(records)).toMatchObject({ seq: 7, reason: 'hash_mismatch' });
  });

  it('names the record after one edited with its hash recomputed', () => {
    const records = chain(10);
    const forged = { ...records[3]!, actor: 'someone-else' };
    records[3] = { ...forged, hash: hashAuditRecord(forged) };
    expect(verify(records)).toMatchObject({ seq: 5, reason: 'prev_mismatch' });
  });

  it('names a deleted record (a gap) and a deleted tail (against the head)', () => {
    const records = chain(10);
    expect(verify([...records.slice(0, 4), ...records.slice(5)])).toMatchObject({ seq: 5, reason: 'missing' });
    expect(verify(records.slice(0, 8), records[9])).toMatchObject({ seq: 9, reason: 'missing' });
  });

  it('names an inserted record', () => {
    const records = chain(10);
    const inserted = chainRecord(records[3]!, { at: 'x', actor: 'intruder', action: 'auth.sign_in', targetType: 'user', targetId: 'x', outcome: 'ok', details: '{}', ip: '' });
    // The insert takes seq 5: every later record was renumbered to make room, so their hashes no longer match.
    const shifted = records.slice(4).map((r) => ({ ...r, seq: r.seq + 1 }));
    expect(verify([...records.slice(0, 4), inserted, ...shifted])).toMatchObject({ seq: 6, reason: 'hash_mismatch' });
  });

  it('names reordered records', () => {
    const records = chain(10);
    const swapped = [...records];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    expect(verify(swapped)).toMatchObject({ seq: 5, reason: 'missing' });
    // Contents swapped but seqs kept in place: the hashes no longer match.
    const relabelled = records.map((r, i) => (i === 4 ? { ...records[5]!, seq: 5 } : i === 5 ? { ...records[4]!, seq: 6 } : r));
    expect(verify(relabelled)).toMatchObject({ seq: 5, reason: 'hash_mismatch' });
  });

  it('starts in the middle from a trusted record', () => {
    const records = chain(10);
    const v = new ChainVerifier(records[4]!);
    for (const r of records.slice(5)) expect(v.push(r)).toBeNull();
    expect(v.progress).toMatchObject({ checked: 5, seq: 10 });
  });
});
