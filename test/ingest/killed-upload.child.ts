// Streams an endless upload into a blob store at argv[2] and says "writing" once bytes are on disk;
// the test then kills it with SIGKILL, as a power cut or the OOM killer would.
import { Readable } from 'node:stream';
import { LocalDiskBlobStore } from '../../src/platform/blob-store.js';

const store = new LocalDiskBlobStore(process.argv[2]!);
let sent = 0;
const endless = new Readable({
  read() {
    sent++;
    if (sent === 20) process.stdout.write('writing\n');
    // A chunk every few milliseconds, forever.
    setTimeout(() => this.push(Buffer.alloc(64 * 1024, sent % 256)), sent < 20 ? 0 : 5);
  },
});
void store.stage(endless);
