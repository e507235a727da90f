import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets that must survive restarts but never enter the database (whose backups travel further):
 * the log's signing key, the watermark key and the key that seals registrants' private keys. Files under
 * `<dataDir>/keys`, created on first use with mode 0600. Nodes of one deployment share this folder.
 */
export class KeyStore {
  constructor(private readonly dir: string) {}

  /** Reads a secret, or null when it has not been made yet. */
  read(name: string): string | null {
    const file = path.join(this.dir, name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
  }

  /** Reads a secret, or creates it with `make()` the first time (atomically, never overwriting). */
  readOrCreate(name: string, make: () => string): string {
    const file = path.join(this.dir, name);
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, make() + '\n', { mode: 0o600, flag: 'wx' });
    try {
      // link() fails if another process created the file meanwhile: then theirs wins.
      fs.linkSync(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return fs.readFileSync(file, 'utf8').trim();
  }

  /** The 32-byte key that seals secrets stored in the database. */
  sealingKey(): Buffer {
    return Buffer.from(this.readOrCreate('sealing.key', () => randomBytes(32).toString('base64')), 'base64');
  }

  /** AES-256-GCM: base64(iv ‖ tag ‖ ciphertext). */
  seal(plain: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealingKey(), iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  unseal(sealed: string): Buffer {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.sealingKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  }
}
