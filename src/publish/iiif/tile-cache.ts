/**
 * Rendered IIIF answers kept in memory for repeat requests (a viewer's tiles are asked for again by
 * every visitor of a popular work). Least recently used first out, bounded by bytes, not entries:
 * a full view is a hundred tiles' worth.
 */
export interface CachedImage { data: Buffer; mediaType: string; etag: string }

export class TileCache {
  private readonly entries = new Map<string, CachedImage>();
  private bytes = 0;
  readonly stats = { hits: 0, misses: 0, evictions: 0 };

  constructor(private readonly maxBytes: number) {}

  get(key: string): CachedImage | undefined {
    const hit = this.entries.get(key);
    if (!hit) {
      this.stats.misses++;
      return undefined;
    }
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    this.stats.hits++;
    return hit;
  }

  set(key: string, value: CachedImage): void {
    const size = value.data.byteLength + key.length;
    // One answer larger than a quarter of the cache would push out everything else for one request.
    if (size > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.data.byteLength + key.length;
    }
    this.entries.set(key, value);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.data.byteLength + k.length;
      this.stats.evictions++;
    }
  }

  /** Drops every entry whose key starts with `prefix` (a source that changed or broke). */
  forget(prefix: string): void {
    for (const [k, v] of this.entries) {
      if (!k.startsWith(prefix)) continue;
      this.entries.delete(k);
      this.bytes -= v.data.byteLength + k.length;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
