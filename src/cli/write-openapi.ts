// Writes docs/openapi.json from the live route schemas; with --check, fails when the committed copy drifted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { buildServer } from '../platform/http/server.js';

const target = path.resolve('docs/openapi.json');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wenyuan-openapi-'));
const app = await createApp(loadConfig({ dataDir, databaseUrl: `sqlite:${path.join(dataDir, 'db.sqlite')}` }, {}));
const server = await buildServer(app, { webRoot: null });
await server.ready();
const document = JSON.stringify(server.swagger(), null, 2) + '\n';
await server.close();
await app.close();
fs.rmSync(dataDir, { recursive: true, force: true });

if (process.argv.includes('--check')) {
  const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (committed !== document) {
    console.error('docs/openapi.json is out of date with the route schemas: run `npm run openapi` and commit the result.');
    process.exit(1);
  }
  console.log('docs/openapi.json matches the route schemas');
} else {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, document);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
