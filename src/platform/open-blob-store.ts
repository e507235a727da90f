import path from 'node:path';
import { LocalDiskBlobStore, type BlobStore } from './blob-store.js';
import type { Config } from './config.js';
import { S3BlobStore } from './s3-blob-store.js';
import { parseS3Url } from './s3-location.js';

/** The blob store the configuration names: `<dataDir>/blobs` on local disk, or an S3-compatible bucket. */
export function openBlobStore(config: Pick<Config, 'dataDir' | 'blobStore' | 's3AccessKeyId' | 's3SecretAccessKey' | 's3MaxAttempts' | 'blobTempMaxBytes' | 'blobDirectDownloadSeconds'>): BlobStore {
  if (config.blobStore === '') return new LocalDiskBlobStore(path.join(config.dataDir, 'blobs'));
  const location = parseS3Url(config.blobStore);
  if ('problem' in location) throw new Error(`WENYUAN_BLOB_STORE ${location.problem}`);
  return new S3BlobStore({
    location,
    ...(config.s3AccessKeyId && config.s3SecretAccessKey ? { credentials: { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey } } : {}),
    tempDir: path.join(config.dataDir, 'tmp', 'blobs'),
    maxTempBytes: config.blobTempMaxBytes,
    directUrlSeconds: config.blobDirectDownloadSeconds,
    maxAttempts: config.s3MaxAttempts,
  });
}
