/** Where an S3-compatible blob store keeps its objects, as written in `WENYUAN_BLOB_STORE`. */
export interface S3Location {
  bucket: string;
  /** Key prefix, empty or ending in `/`. */
  prefix: string;
  /** The service's URL (MinIO, Ceph RGW, Garage, OSS, COS…); absent: AWS's own for the region. */
  endpoint?: string;
  region: string;
  /** `bucket` in the path rather than the host name (MinIO, Ceph RGW and most self-hosted servers want it). */
  forcePathStyle: boolean;
}

/**
 * Parses `s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&forcePathStyle=1`
 * (only the bucket is required); names the problem when it is not such a URL.
 */
export function parseS3Url(input: string): S3Location | { problem: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { problem: 'is not a URL; write s3://bucket/prefix?endpoint=https://…&region=…' };
  }
  if (url.protocol !== 's3:') return { problem: 'must start with s3:// (local disk is the default when unset)' };
  const bucket = url.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return { problem: `"${bucket}" is not a bucket name (3–63 lower-case letters, digits, dots, hyphens)` };
  if (url.username || url.password) return { problem: 'must not carry credentials; set WENYUAN_S3_ACCESS_KEY_ID and WENYUAN_S3_SECRET_ACCESS_KEY (or the standard AWS variables)' };
  const known = new Set(['endpoint', 'region', 'forcePathStyle']);
  for (const key of url.searchParams.keys()) if (!known.has(key)) return { problem: `unknown parameter "${key}" (known: endpoint, region, forcePathStyle)` };
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(endpoint)) return { problem: `endpoint "${endpoint}" must be an http(s) URL with no path, like https://s3.example.org` };
  const style = url.searchParams.get('forcePathStyle');
  if (style !== null && !['1', '0', 'true', 'false'].includes(style)) return { problem: 'forcePathStyle must be 1 or 0' };
  const path = decodeURIComponent(url.pathname).replace(/^\/+/, '').replace(/\/+$/, '');
  return {
    bucket,
    prefix: path === '' ? '' : `${path}/`,
    ...(endpoint ? { endpoint: endpoint.replace(/\/$/, '') } : {}),
    region: url.searchParams.get('region') ?? 'us-east-1',
    // Self-hosted servers rarely have wildcard DNS for virtual-host buckets: path style when an endpoint is given.
    forcePathStyle: style === null ? endpoint !== undefined : style === '1' || style === 'true',
  };
}
