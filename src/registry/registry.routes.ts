import { z } from 'zod';
import type { App } from '../app.js';
import { CommonErrors } from '../platform/errors.js';
import { requireUser } from '../platform/http/auth.js';
import type { Api } from '../platform/http/routes.js';
import { REGISTRANT_ROLES } from './entry.js';
import { parseTilePath, TilePathError, tileWidth, TILE_WIDTH } from './tiles.js';

const tags = ['registry'];
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case sha256 hex digest');

/**
 * Registration and receipts (for signed-in owners and curators), and the public, read-only log:
 * checkpoint, C2SP tiles and entry bundles, and proofs — so anyone can mirror and audit it.
 */
export function registryRoutes(api: Api, app: App): void {
  api.post(
    '/works/:id/registrations',
    {
      preValidation: requireUser,
      schema: {
        tags,
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.object({ role: z.enum(REGISTRANT_ROLES).optional(), termsSha256: sha256Hex.nullable().optional(), wait: z.boolean().default(true) }),
        description: 'Register the work’s file in the transparency log. With wait (default) the answer carries the receipt once sequenced (201); otherwise, or if sequencing takes longer than a few seconds, a pending id to poll (202).',
      },
    },
    async (request, reply) => {
      const result = await app.registry.register(request.actor, request.params.id, {
        ...(request.body.role ? { role: request.body.role } : {}),
        termsSha256: request.body.termsSha256 ?? null,
        waitMs: request.body.wait ? 10_000 : 0,
      });
      return reply.status(result.status === 'sequenced' ? 201 : 202).send(result);
    },
  );

  api.get('/works/:id/registrations', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }) } }, async (request) => ({
    items: await app.registry.registrationsOfWork(request.actor, request.params.id),
  }));

  api.get('/registry/registrations/:id', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }) } }, async (request) => {
    return app.registry.statusFor(request.actor, request.params.id);
  });

  api.get('/registry/registrations/:id/receipt.json', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }) } }, async (request, reply) => {
    const status = await app.registry.statusFor(request.actor, request.params.id);
    if (status.status !== 'sequenced') throw CommonErrors.conflict(`registration ${request.params.id} is still pending; try again in a moment`);
    reply.header('content-disposition', `attachment; filename="wenyuan-receipt-${request.params.id}.json"`);
    return status.receipt;
  });

  // --- the public log -------------------------------------------------------------------------
  api.get('/registry/key', { schema: { tags, description: 'The log’s verifier key (C2SP signed-note vkey), to pin.' } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(`${await app.registry.log.verifierKey()}\n`),
  );

  api.get('/registry/checkpoint', { schema: { tags, description: 'The latest signed checkpoint (C2SP tlog-checkpoint).' } }, async (_request, reply) => {
    const checkpoint = await app.registry.log.latestCheckpoint();
    if (!checkpoint) throw CommonErrors.notFound('checkpoint (nothing has been registered yet)');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(checkpoint.note);
  });

  api.get('/registry/tile/*', { schema: { tags, description: 'C2SP tlog-tiles: hash tiles tile/<L>/<N>[.p/<W>] and entry bundles tile/entries/<N>[.p/<W>].' } }, async (request, reply) => {
    const raw = (request.params as { '*': string })['*'];
    let path;
    try {
      path = parseTilePath(`tile/${raw}`);
    } catch (error) {
      if (error instanceof TilePathError) throw CommonErrors.notFound(error.message);
      throw error;
    }
    // Serve only what the latest signed checkpoint covers, so clients never see unsigned hashes.
    const published = (await app.registry.log.latestCheckpoint())?.size ?? 0;
    const level = path.level === 'entries' ? 0 : path.level;
    const available = tileWidth(level, path.index, published);
    if (available === 0 || path.width > available) throw CommonErrors.notFound(`tile ${raw} is not in the published tree of size ${published}`);
    reply.header('cache-control', path.width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    if (path.level === 'entries') {
      const start = path.index * TILE_WIDTH;
      const entries = await app.registry.log.entries(start, start + path.width);
      const parts: Buffer[] = [];
      for (const entry of entries) {
        const bytes = Buffer.from(entry, 'utf8');
        const length = Buffer.alloc(2);
        length.writeUInt16BE(bytes.length);
        parts.push(length, bytes);
      }
      return reply.type('application/octet-stream').send(Buffer.concat(parts));
    }
    const tile = await app.registry.log.tile(path.level, path.index);
    if (!tile || tile.width < path.width) throw CommonErrors.notFound(`tile ${raw}`);
    return reply.type('application/octet-stream').send(tile.hashes.subarray(0, path.width * 32));
  });

  api.get(
    '/registry/proof/inclusion',
    { schema: { tags, querystring: z.object({ index: z.coerce.number().int().min(0).optional(), leafHash: z.string().max(64).optional(), treeSize: z.coerce.number().int().min(1).optional() }) } },
    async (request) => {
      const size = request.query.treeSize ?? (await app.registry.log.latestCheckpoint())?.size;
      if (!size) throw CommonErrors.notFound('checkpoint (nothing has been registered yet)');
      let index = request.query.index;
      if (index === undefined) {
        if (!request.query.leafHash) throw CommonErrors.invalid('give index or leafHash');
        const found = await app.registry.log.indexOfLeaf(request.query.leafHash);
        if (found === null) throw CommonErrors.notFound(`entry with leaf hash ${request.query.leafHash}`);
        index = found;
      }
      if (index >= size) throw CommonErrors.invalid(`index ${index} is not below tree size ${size}`);
      await app.registry.log.requirePublished(size);
      return { index, treeSize: size, proof: (await app.registry.log.inclusionProof(index, size)).map((h) => h.toString('base64')) };
    },
  );

  api.get(
    '/registry/consistency-bundle',
    {
      schema: {
        tags,
        querystring: z.object({ from: z.coerce.number().int().min(1) }),
        description: 'The latest signed checkpoint and the consistency proof from tree size `from` to it: give it to `wenyuan verify --later` to check that an old receipt’s tree is still part of the log.',
      },
    },
    async (request, reply) => {
      const latest = await app.registry.log.latestCheckpoint();
      if (!latest) throw CommonErrors.notFound('checkpoint (nothing has been registered yet)');
      if (request.query.from > latest.size) throw CommonErrors.invalid(`from (${request.query.from}) is larger than the latest tree size ${latest.size}`);
      const proof = (await app.registry.log.consistencyProof(request.query.from, latest.size)).map((h) => h.toString('base64'));
      reply.header('content-disposition', `attachment; filename="wenyuan-checkpoint-${latest.size}.json"`);
      return { type: 'wenyuan.registry.consistency/v1', from: request.query.from, checkpoint: latest.note, proof };
    },
  );

  api.get(
    '/registry/proof/consistency',
    { schema: { tags, querystring: z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }) } },
    async (request) => {
      const { from, to } = request.query;
      if (from > to) throw CommonErrors.invalid(`from (${from}) must not be larger than to (${to})`);
      await app.registry.log.requirePublished(to);
      return { from, to, proof: (await app.registry.log.consistencyProof(from, to)).map((h) => h.toString('base64')) };
    },
  );
}
