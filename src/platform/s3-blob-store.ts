import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  BlobMissingError, BlobTooLargeError, BlobTooLargeForLocalError, HEAD_BYTES, SHA256, blobKey, dropTemporaryFile, newTemporaryFile, removeStaleParts,
  type BlobStore, type StagedBlob, type StoredBlob,
} from './blob-store.js';
import { AppError } from './errors.js';
import { newId } from './ids.js';
import type { S3Location } from './s3-location.js';

export interface S3BlobStoreOptions {
  location: S3Location;
  /** Absent: the SDK's standard chain (AWS_* variables, shared files, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Folder of local temporary copies (`<pid>.<id>.part`, swept like the disk store's). */
  tempDir: string;
  /** Largest local temporary copy: bigger blobs are never copied to disk whole. */
  maxTempBytes: number;
  /** Seconds a presigned download URL lives; 0 = no direct downloads. */
  directUrlSeconds?: number;
  /** Multipart part size (≥ 5 MiB): memory per upload is about (queue + 1) parts. */
  partSizeBytes?: number;
  /** Attempts per request, retried with the SDK's exponential backoff. */
  maxAttempts?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Staging objects and unfinished multipart uploads older than this are swept. */
  maxTemporaryAgeMs?: number;
}

const MIB = 1024 * 1024;
/** S3's limit for one CopyObject; larger objects are copied part by part. */
const SINGLE_COPY_MAX = 5 * 1024 ** 3;
const COPY_PART_BYTES = 512 * MIB;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** The object store cannot be reached (or keeps failing): 503 for requests; jobs retry later. */
export class BlobStoreUnavailableError extends AppError<'blob_store_unavailable.unreachable'> {
  constructor(readonly reason: string) {
    super('blob_store_unavailable', `the file store cannot be reached (${reason}); try again shortly`, { key: 'blob_store_unavailable.unreachable', params: { retryAfterSeconds: 30 } });
  }
}

/** Whether an SDK error means the store is unreachable or failing, rather than a refusal of this request. */
export function isUnavailable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (!e || typeof e !== 'object') return false;
  const status = e.$metadata?.httpStatusCode;
  // 501: the server lacks a feature (a refusal, not an outage).
  if (status !== undefined && status >= 500 && status !== 501) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout' || e.name === 'AbortError' || e.name === 'ServiceUnavailable' || e.name === 'SlowDown') return true;
  // Network failures reach us without an HTTP status.
  return status === undefined && e.cause !== undefined && isUnavailable(e.cause);
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 404 || e?.name === 'NotFound' || e?.name === 'NoSuchKey';
}

/**
 * Blob store on any S3-compatible service, using only the standard API (AWS S3, MinIO, Ceph RGW,
 * Garage, Alibaba OSS, Tencent COS). Keys are `<prefix>sha256/ab/cd/<hash>` like the disk store's
 * paths; uploads stream to a `<prefix>staging/` object (multipart, bounded part buffers) while
 * hashing and are copied server-side under their key on commit. Unreachable service: every call
 * rejects within seconds with BlobStoreUnavailableError.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly maxTemporaryAgeMs: number;

  constructor(private readonly options: S3BlobStoreOptions) {
    const { location } = options;
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    this.partSize = Math.max(5 * MIB, options.partSizeBytes ?? 8 * MIB);
    this.maxTemporaryAgeMs = options.maxTemporaryAgeMs ?? 24 * 3_600_000;
    this.client = new S3Client({
      region: location.region,
      ...(location.endpoint ? { endpoint: location.endpoint } : {}),
      forcePathStyle: location.forcePathStyle,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      retryMode: 'standard',
      // Checksums only where the API requires them: several S3-compatible servers refuse the
      // SDK's newer default trailers, and every blob is verified by its sha256 anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: options.connectTimeoutMs ?? 3000, requestTimeout: options.requestTimeoutMs ?? 30_000 },
    });
    fs.mkdirSync(options.tempDir, { recursive: true });
    removeStaleParts(options.tempDir, this.maxTemporaryAgeMs);
  }

  private keyOf(sha256: string): string {
    return `${this.prefix}${blobKey(sha256)}`;
  }

  /** Runs an SDK call, turning network failures and 5xx answers (after the SDK's retries) into BlobStoreUnavailableError. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown): unknown {
    if (error instanceof AppError || error instanceof BlobMissingError || error instanceof BlobTooLargeError) return error;
    if (isUnavailable(error)) return new BlobStoreUnavailableError((error as Error).message || (error as Error).name);
    return error;
  }

  private async head(key: string): Promise<{ size: number; storedAt: number } | null> {
    try {
      const answer = await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
      return { size: answer.ContentLength ?? 0, storedAt: answer.LastModified?.getTime() ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async deleteKey(key: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  /** Copies an object server-side (part by part above 5 GiB); the bytes never pass through this process. */
  private async copy(from: string, to: string, size: number, metadata?: Record<string, string>): Promise<void> {
    const source = `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    if (size <= SINGLE_COPY_MAX) {
      await this.call(() => this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source, ...(metadata ? { Metadata: metadata, MetadataDirective: 'REPLACE' } : {}) })));
      return;
    }
    const { UploadId } = await this.call(() => this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to, ...(metadata ? { Metadata: metadata } : {}) })));
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < size; start += COPY_PART_BYTES, n++) {
        const end = Math.min(size, start + COPY_PART_BYTES) - 1;
        const part = await this.call(() => this.client.send(new UploadPartCopyCommand({ Bucket: this.bucket, Key: to, UploadId, PartNumber: n, CopySource: source, CopySourceRange: `bytes=${start}-${end}` })));
        parts.push({ ETag: part.CopyPartResult?.ETag ?? '', PartNumber: n });
      }
      await this.call(() => this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } })));
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Restarts a stored object's sweep grace period (its LastModified), as the disk store's touch
   * does, by copying it onto itself; false when it is missing.
   */
  private async touch(sha256: string): Promise<boolean> {
    const key = this.keyOf(sha256);
    const found = await this.head(key);
    if (!found) return false;
    if (Date.now() - found.storedAt > 3_600_000) {
      try {
        await this.copy(key, key, found.size, { touched: new Date().toISOString() });
      } catch (error) {
        if (error instanceof BlobStoreUnavailableError) throw error;
        // A server that refuses self-copies keeps the old date: the sweep's grace is then from the first upload.
      }
    }
    return true;
  }

  async put(source: Readable, options: { maxBytes?: number } = {}): Promise<StoredBlob> {
    const staged = await this.stage(source, options);
    try {
      return { ...(await staged.commit()), head: staged.head };
    } finally {
      await staged.discard();
    }
  }

  async stage(source: Readable, options: { maxBytes?: number } = {}): Promise<StagedBlob> {
    const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    const stagingKey = `${this.prefix}staging/${process.pid}.${newId()}.part`;
    const hash = createHash('sha256');
    const headChunks: Buffer[] = [];
    let size = 0;
    // A local copy too while it fits the bound: the checks after staging (type, image header,
    // thumbnail) read a file, and reading it back from the service would cost a second transfer.
    let tmp: string | null = newTemporaryFile(this.options.tempDir);
    let local: fsp.FileHandle | null = await fsp.open(tmp, 'wx');
    const body = new PassThrough({ highWaterMark: MIB });
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: stagingKey, Body: body }, partSize: this.partSize, queueSize: 2, leavePartsOnError: false });
    const uploading = upload.done();
    uploading.catch(() => undefined);
    const dropLocal = async () => {
      if (local) await local.close().catch(() => undefined);
      local = null;
      if (tmp) await dropTemporaryFile(tmp);
      tmp = null;
    };
    try {
      for await (const data of source) {
        const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
        if (size < HEAD_BYTES) headChunks.push(chunk.subarray(0, HEAD_BYTES - size));
        size += chunk.length;
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(chunk);
        if (local) {
          if (size > this.options.maxTempBytes) await dropLocal();
          else await local.write(chunk);
        }
        // Back-pressure from the upload: at most its queue of parts is held in memory.
        if (!body.write(chunk)) await Promise.race([new Promise((resolve) => body.once('drain', resolve)), uploading]);
      }
      body.end();
      await uploading;
      if (local) await local.close();
      local = null;
    } catch (error) {
      body.destroy();
      await upload.abort().catch(() => undefined);
      await uploading.catch(() => undefined);
      await this.deleteKey(stagingKey).catch(() => undefined);
      await dropLocal();
      throw this.translate(error);
    }
    const sha256 = hash.digest('hex');
    const head = Buffer.concat(headChunks);
    const path = tmp;
    let existed: boolean;
    try {
      existed = await this.touch(sha256);
    } catch (error) {
      await this.deleteKey(stagingKey).catch(() => undefined);
      await dropLocal();
      throw error;
    }
    let committed: StoredBlob | null = null;
    let discarded = false;
    const cleanUp = async () => {
      discarded = true;
      await this.deleteKey(stagingKey).catch(() => undefined);
      await dropLocal();
    };
    if (existed) await this.deleteKey(stagingKey).catch(() => undefined);
    return {
      sha256, size, head, path, existed,
      // An S3 PUT is durable once answered.
      sync: async () => undefined,
      commit: async () => {
        if (committed) return committed;
        if (discarded && !existed) throw new Error(`staged blob ${sha256} was discarded`);
        const key = this.keyOf(sha256);
        if (existed) {
          if (!(await this.head(key))) throw new Error(`blob ${sha256} vanished from the store while it was being added`);
          committed = { sha256, size, created: false };
        } else if (await this.head(key)) {
          committed = { sha256, size, created: false };
        } else {
          await this.copy(stagingKey, key, size);
          committed = { sha256, size, created: true };
        }
        await cleanUp();
        return committed;
      },
      discard: async () => {
        if (committed) return;
        if (existed) await dropLocal(); // the stored blob stays; commit() may still confirm it
        else if (!discarded) await cleanUp();
      },
    };
  }

  async putBuffer(data: Buffer): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (await this.touch(sha256)) return { sha256, size: data.length, created: false };
    // An object appears whole or not at all, so a content-addressed key needs no staging copy.
    await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256), Body: data, ContentLength: data.length })));
    return { sha256, size: data.length, created: true };
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.head(this.keyOf(sha256))) !== null;
  }

  open(sha256: string): Readable {
    return this.stream(sha256);
  }

  openRange(sha256: string, start: number, end: number): Readable {
    return this.stream(sha256, { start, end });
  }

  /**
   * A stream handed out at once and fed when the service answers; errors arrive on it. A server
   * that ignores or widens the Range (HTTP allows a 200 with everything) is cut to the asked bytes.
   */
  private stream(sha256: string, range?: { start: number; end: number }): Readable {
    const key = this.keyOf(sha256);
    const out = new PassThrough();
    this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }))).then(
      (answer) => {
        const body = answer.Body as Readable;
        if (out.destroyed) return body.destroy();
        const served = /^bytes (\d+)-/.exec(answer.ContentRange ?? '');
        const piped = range ? pipeline(body, sliceStream(range.start - (served ? Number(served[1]) : 0), range.end - range.start + 1), out) : pipeline(body, out);
        piped.catch((error: unknown) => out.destroy(this.translate(error) as Error));
      },
      (error: unknown) => out.destroy(isNotFound(error) ? new BlobMissingError(sha256) : (error as Error)),
    );
    return out;
  }

  async read(sha256: string): Promise<Buffer> {
    try {
      const answer = await this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) })));
      return Buffer.from(await this.call(() => answer.Body!.transformToByteArray()));
    } catch (error) {
      if (isNotFound(error)) throw new BlobMissingError(sha256);
      throw error;
    }
  }

  async size(sha256: string): Promise<number | null> {
    return (await this.head(this.keyOf(sha256)))?.size ?? null;
  }

  async storedAt(sha256: string): Promise<number | null> {
    return (await this.head(this.keyOf(sha256)))?.storedAt ?? null;
  }

  localPath(): null {
    return null;
  }

  async withLocalFile<T>(sha256: string, fn: (file: string) => Promise<T>): Promise<T> {
    const found = await this.head(this.keyOf(sha256));
    if (!found) throw new BlobMissingError(sha256);
    if (found.size > this.options.maxTempBytes) throw new BlobTooLargeForLocalError(sha256, found.size, this.options.maxTempBytes);
    const tmp = newTemporaryFile(this.options.tempDir);
    try {
      try {
        await pipeline(this.open(sha256), fs.createWriteStream(tmp, { flags: 'wx' }));
      } catch (error) {
        throw this.translate(error);
      }
      return await fn(tmp);
    } finally {
      await dropTemporaryFile(tmp);
    }
  }

  async directUrl(sha256: string, options: { fileName: string; mediaType: string; inline: boolean }): Promise<string | null> {
    const seconds = this.options.directUrlSeconds ?? 0;
    if (seconds <= 0) return null;
    const disposition = `${options.inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(options.fileName)}`;
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256), ResponseContentDisposition: disposition, ResponseContentType: options.mediaType });
    return getSignedUrl(this.client, command, { expiresIn: seconds });
  }

  async *list(): AsyncIterable<string> {
    const base = `${this.prefix}sha256/`;
    let token: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ...(token ? { ContinuationToken: token } : {}) })));
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(object.Key.lastIndexOf('/') + 1) ?? '';
        if (SHA256.test(name) && object.Key === this.keyOf(name)) yield name;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async remove(sha256: string): Promise<void> {
    await this.deleteKey(this.keyOf(sha256));
  }

  /**
   * Sweeps what killed uploads leave: local temporary copies (as the disk store), staging objects
   * and unfinished multipart uploads older than the age cap (the service cannot tell a live
   * writer, so only age counts there).
   */
  async removeStaleTemporaries(now = Date.now()): Promise<{ removed: number; freedBytes: number }> {
    const report = removeStaleParts(this.options.tempDir, this.maxTemporaryAgeMs, now);
    const base = `${this.prefix}staging/`;
    let token: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ...(token ? { ContinuationToken: token } : {}) })));
      for (const object of page.Contents ?? []) {
        if (!object.Key || now - (object.LastModified?.getTime() ?? now) <= this.maxTemporaryAgeMs) continue;
        await this.deleteKey(object.Key);
        report.removed++;
        report.freedBytes += object.Size ?? 0;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    try {
      const uploads = await this.call(() => this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: base })));
      for (const upload of uploads.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || now - (upload.Initiated?.getTime() ?? now) <= this.maxTemporaryAgeMs) continue;
        await this.call(() => this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId })));
        report.removed++;
      }
    } catch (error) {
      if (error instanceof BlobStoreUnavailableError) throw error;
      // Some servers do not list multipart uploads; a bucket lifecycle rule aborts them there.
    }
    return report;
  }

  close(): void {
    this.client.destroy();
  }
}


/** Passes `count` bytes after skipping `skip`, then ends. */
function sliceStream(skip: number, count: number): Transform {
  let position = 0;
  const end = skip + count;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(0, skip - position);
      const to = Math.min(chunk.length, end - position);
      position += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      if (position >= end) this.push(null);
      done();
    },
  });
}
