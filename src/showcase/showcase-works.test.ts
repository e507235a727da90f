import { describe, expect, it } from 'vitest';
import type { DownloadPolicy } from '../archive/download-policy.js';
import type { DerivativeRow, WorkFileRow, WorkRow } from '../archive/work.repository.js';
import { ANONYMOUS, type Actor } from '../govern/roles.js';
import { WorkSet } from './showcase-works.js';

const AUDIO = 'a'.repeat(64);
const VIDEO = 'b'.repeat(64);
const IMAGE = 'c'.repeat(64);

function file(sha256: string, kind: string, mediaType: string): WorkFileRow {
  return { id: sha256.slice(0, 8), work_id: 'w1', sha256, original_name: `${kind}.bin`, media_type: mediaType, kind, size: 10, width: kind === 'image' ? 40 : null, height: kind === 'image' ? 30 : null, placeholder: null, position: 0, created_at: '2026-01-01T00:00:00Z' };
}

function set(options: { policy: DownloadPolicy | null; visibility?: string; derivatives?: DerivativeRow[] }): WorkSet {
  const row = { id: 'w1', visibility: options.visibility ?? 'public', owner_id: 'u-owner', metadata: JSON.stringify({ title: { en: 'Song' }, creators: [] }), primary_file_sha256: AUDIO } as unknown as WorkRow;
  const files = [file(AUDIO, 'audio', 'audio/wav'), file(VIDEO, 'video', 'video/mp4'), file(IMAGE, 'image', 'image/png')];
  return new WorkSet(new Map([['w1', { row, files, derivatives: options.derivatives ?? [], policy: options.policy }]]));
}

const curator: Actor = { kind: 'user', id: 'u-c', username: 'c', role: 'curator' };

describe('WorkSet cards of audio and video', () => {
  it('give the main audio file to play, under any download policy (it has no display copy)', () => {
    for (const policy of ['master', 'display', 'none'] as const) {
      expect(set({ policy }).card(ANONYMOUS, 'w1', null, 'https://x')?.media).toEqual({ kind: 'audio', url: `/api/works/w1/files/${AUDIO}`, mediaType: 'audio/wav' });
    }
  });

  it('give a named video file, and nothing to play for an image', () => {
    expect(set({ policy: 'none' }).card(ANONYMOUS, 'w1', VIDEO, 'https://x')?.media).toEqual({ kind: 'video', url: `/api/works/w1/files/${VIDEO}`, mediaType: 'video/mp4' });
    const image = set({ policy: 'master' }).card(ANONYMOUS, 'w1', IMAGE, 'https://x');
    expect(image?.media).toBeNull();
    expect(image?.image?.sha256).toBe(IMAGE);
  });

  it('follow the work page when the file has a display copy: its original only under the master policy or for those who manage the work', () => {
    const derivatives: DerivativeRow[] = [{ source_sha256: AUDIO, name: 'display', sha256: 'd'.repeat(64), media_type: 'image/jpeg', width: 1, height: 1, created_at: '2026-01-01T00:00:00Z' }];
    expect(set({ policy: 'display', derivatives }).card(ANONYMOUS, 'w1', null, 'https://x')?.media).toBeNull();
    expect(set({ policy: 'master', derivatives }).card(ANONYMOUS, 'w1', null, 'https://x')?.media?.kind).toBe('audio');
    expect(set({ policy: 'none', derivatives }).card(curator, 'w1', null, 'https://x')?.media?.kind).toBe('audio');
  });

  it('give no card at all for a private work to a visitor', () => {
    expect(set({ policy: 'master', visibility: 'private' }).card(ANONYMOUS, 'w1', null, 'https://x')).toBeNull();
  });
});
