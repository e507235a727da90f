/**
 * The log's side of c2sp.org/tlog-witness: sends each new checkpoint to the configured witnesses
 * with a consistency proof from the size each last cosigned, and gathers their cosignatures.
 */
import { addCosignatures, parseWitnessVerifierKey, type WitnessVerifier } from './cosignature.js';
import type { CryptoProvider } from './signed-note.js';
import { formatAddCheckpoint, SIZE_CONTENT_TYPE } from './witness.js';

export interface WitnessEndpoint {
  verifier: WitnessVerifier;
  /** Submission prefix, e.g. http://127.0.0.1:7380 (add-checkpoint is POSTed to `<url>/add-checkpoint`). */
  url: string;
}

const ITEM = /^(\S+)@(https?:\/\/\S+)$/;

/** Splits a witness list: items `<witness vkey>@<url>` separated by commas or newlines. */
export function splitWitnessList(text: string): { vkey: string; url: string }[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((item) => {
      const match = ITEM.exec(item);
      if (!match) throw new Error(`witness "${item}" must be <witness vkey>@<http(s) URL>`);
      return { vkey: match[1]!, url: match[2]!.replace(/\/+$/, '') };
    });
}

/** Parses a witness list and its keys (type 0x04 cosignature/v1 verifier keys). */
export async function parseWitnessList(text: string, crypto: CryptoProvider): Promise<WitnessEndpoint[]> {
  return Promise.all(splitWitnessList(text).map(async ({ vkey, url }) => ({ verifier: await parseWitnessVerifierKey(vkey, crypto), url })));
}

export interface WitnessClientOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
  onError?: (witness: string, error: unknown) => void;
}

/** Thrown (and reported to onError) when a witness refuses or cannot be reached. */
export class WitnessCallError extends Error {}

export class WitnessClient {
  /** The size each witness last cosigned, as far as this process knows (learnt from 200s and 409s). */
  private readonly known = new Map<string, number>();

  constructor(
    readonly witnesses: readonly WitnessEndpoint[],
    private readonly options: WitnessClientOptions = {},
  ) {}

  /**
   * Asks every witness to cosign `signedCheckpoint` (of tree size `size`); `proof(old)` gives the
   * consistency proof from size `old` to `size`. Returns the note with every cosignature that came
   * back and verified; failures are reported to onError and otherwise ignored.
   */
  async cosign(signedCheckpoint: string, size: number, proof: (oldSize: number) => Promise<Uint8Array[]>): Promise<string> {
    const bodies = await Promise.all(
      this.witnesses.map(async (w) => {
        try {
          return { w, body: await this.request(w, signedCheckpoint, size, proof) };
        } catch (error) {
          this.options.onError?.(w.verifier.name, error);
          return { w, body: null };
        }
      }),
    );
    let note = signedCheckpoint;
    for (const { w, body } of bodies) {
      if (body === null) continue;
      try {
        const next = await addCosignatures(note, body, [w.verifier]);
        if (next === note) throw new WitnessCallError(`witness ${w.verifier.name} answered without a cosignature by its key`);
        note = next;
      } catch (error) {
        this.options.onError?.(w.verifier.name, error);
      }
    }
    return note;
  }

  private async request(w: WitnessEndpoint, note: string, size: number, proof: (oldSize: number) => Promise<Uint8Array[]>): Promise<string> {
    let old = this.known.get(w.url) ?? 0;
    for (let attempt = 0; ; attempt++) {
      if (old > size) throw new WitnessCallError(`witness ${w.verifier.name} has already cosigned size ${old}, beyond ${size}`);
      const hashes = old === 0 || old === size ? [] : await proof(old);
      const response = await (this.options.fetch ?? fetch)(`${w.url}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: formatAddCheckpoint(old, hashes, note),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      const text = await response.text();
      if (response.status === 200) {
        this.known.set(w.url, size);
        return text;
      }
      if (response.status === 409 && attempt === 0) {
        const type = response.headers.get('content-type') ?? '';
        const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(text);
        if (!m || !type.startsWith(SIZE_CONTENT_TYPE)) throw new WitnessCallError(`witness ${w.verifier.name}: 409 without a ${SIZE_CONTENT_TYPE} size`);
        old = Number(m[1]);
        this.known.set(w.url, old);
        continue;
      }
      throw new WitnessCallError(`witness ${w.verifier.name} answered ${response.status}: ${text.trim().slice(0, 200)}`);
    }
  }
}
