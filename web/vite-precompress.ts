import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/;

/**
 * Writes a Brotli (.br) and a gzip (.gz) copy beside every text asset of the build, at the highest
 * levels (done once per build, not per request); the server sends them to browsers that accept
 * them (@fastify/static `preCompressed`). Files under 1 KiB are left alone.
 */
export function precompress(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'wenyuan-precompress',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      const outDir = path.resolve(config.root, config.build.outDir);
      const files = (fs.readdirSync(outDir, { recursive: true }) as string[]).map((f) => path.join(outDir, f)).filter((f) => COMPRESSIBLE.test(f) && !f.endsWith('.map'));
      await Promise.all(
        files.map(async (file) => {
          const bytes = fs.readFileSync(file);
          if (bytes.length < 1024) return;
          const [br, gz] = await Promise.all([brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }), gzip(bytes, { level: 9 })]);
          fs.writeFileSync(file + '.br', br);
          fs.writeFileSync(file + '.gz', gz);
        }),
      );
    },
  };
}
