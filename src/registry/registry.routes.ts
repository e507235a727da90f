import { z } from 'zod';
import { CommonErrors } from '../platform/errors.js';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import { itemsOf, mediaResponse } from '../platform/http/api-contract.js';
import { consistencyBundleSchema, consistencyProofSchema, inclusionProofSchema, myRegistrationsSchema, receiptSchema, registrantRoleSchema, registrationPendingSchema, registrationSequencedSchema, registrationStatusSchema, registrationSummarySchema, registryHealthSchema } from './registry.contract.js';
import type { RegistryService } from './registry.service.js';
import { parseTilePath, TilePathError, tileWidth, TILE_WIDTH } from './tiles.js';

const tags = ['registry'];
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case sha256 hex digest');

/**
 * Registration and receipts (for signed-in owners and curators), and the public, read-only log:
 * checkpoint, C2SP tiles and entry bundles, and proofs — so anyone can mirror and audit it.
 */
export function registryRoutes(api: Api, deps: { registry: RegistryService }): void {
  const { registry } = deps;
  api.post(
    '/works/:id/registrations',
    {
      preValidation: requireUser,
      schema: {
        tags,
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.object({
          role: registrantRoleSchema.optional(),
          termsSha256: sha256Hex.nullable().optional(),
          wait: z.boolean().default(true),
          again: z.boolean().default(false).describe('Register once more although the same user registered the same file of this work as the same role with the same terms before.'),
        }),
        description:
          'Register the work’s file in the transparency log. With wait (default) the answer carries the receipt once sequenced (201); otherwise, or if sequencing takes longer than a few seconds, a pending id to poll (202). Idempotent: a request the same user made before (same work, file, role and terms) answers with that registration (200 with its receipt, or 202 while pending; `existing: true`) unless `again` is set.',
        response: { 200: registrationSequencedSchema, 201: registrationSequencedSchema, 202: registrationPendingSchema },
      },
    },
    async (request, reply) => {
      const result = await registry.register(request.actor, request.params.id, {
        ...(request.body.role ? { role: request.body.role } : {}),
        termsSha256: request.body.termsSha256 ?? null,
        waitMs: request.body.wait ? 10_000 : 0,
        again: request.body.again,
      });
      return reply.status(result.status === 'sequenced' ? (result.existing ? 200 : 201) : 202).send(result);
    },
  );

  api.get('/works/:id/registrations', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), response: { 200: itemsOf(registrationSummarySchema) } } }, async (request) => ({
    items: await registry.registrationsOfWork(request.actor, request.params.id),
  }));

  api.get(
    '/works/:id/registrations/mine',
    { preValidation: requireUser, schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), description: 'Whether the signed-in user registered the work’s current file, and as which roles.', response: { 200: myRegistrationsSchema } } },
    async (request) => registry.registeredByActor(request.actor, request.params.id),
  );

  api.get(
    '/registry/health',
    { preValidation: requireUser, preHandler: requireRole('admin', 'curator'), schema: { tags, description: 'Witnesses, tree size and refused rows: what an administrator should know about the log (admins and curators).', response: { 200: registryHealthSchema } } },
    async () => registry.health(),
  );

  api.get('/registry/registrations/:id', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), response: { 200: registrationStatusSchema } } }, async (request) => {
    return registry.statusFor(request.actor, request.params.id);
  });

  api.get('/registry/registrations/:id/receipt.json', { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), response: { 200: receiptSchema }, description: 'The receipt as a file to keep (409 while the registration is pending).' } }, async (request, reply) => {
    const status = await registry.statusFor(request.actor, request.params.id);
    if (status.status !== 'sequenced') throw CommonErrors.conflict(`registration ${request.params.id} is still pending; try again in a moment`, { key: 'registry.pending', params: { id: request.params.id } });
    reply.header('content-disposition', `attachment; filename="wenyuan-receipt-${request.params.id}.json"`);
    return status.receipt;
  });

  // --- the public log -------------------------------------------------------------------------
  api.get('/registry/key', { schema: { tags, description: 'The log’s verifier key (C2SP signed-note vkey), to pin.', response: { 200: mediaResponse('The verifier key, one line.', ['text/plain'], 'text') } } }, async (_request, reply) => {
    // Only served, never made here: making the key fixes the origin, which setup may still correct until the first registration.
    const key = await registry.log.existingVerifierKey();
    if (!key) throw CommonErrors.notFound('checkpoint', {}, 'the log has no key yet: nothing has been registered');
    return reply.type('text/plain; charset=utf-8').send(`${key}\n`);
  });

  api.get('/registry/checkpoint', { schema: { tags, description: 'The latest signed checkpoint (C2SP tlog-checkpoint).', response: { 200: mediaResponse('The signed checkpoint note.', ['text/plain'], 'text') } } }, async (_request, reply) => {
    const checkpoint = await registry.log.latestCheckpoint();
    if (!checkpoint) throw CommonErrors.notFound('checkpoint', {}, 'no checkpoint was found (nothing has been registered yet)');
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache').send(checkpoint.note);
  });

  api.get('/registry/tile/*', { schema: { tags, description: 'C2SP tlog-tiles: hash tiles tile/<L>/<N>[.p/<W>] and entry bundles tile/entries/<N>[.p/<W>].', response: { 200: mediaResponse('A hash tile (32-byte hashes) or an entry bundle (big-endian 16-bit length, then the entry).', ['application/octet-stream']) } } }, async (request, reply) => {
    const raw = (request.params as { '*': string })['*'];
    let path;
    try {
      path = parseTilePath(`tile/${raw}`);
    } catch (error) {
      if (error instanceof TilePathError) throw CommonErrors.notFound('tile', { path: raw }, error.message);
      throw error;
    }
    // Serve only what the latest signed checkpoint covers, so clients never see unsigned hashes.
    const published = (await registry.log.latestCheckpoint())?.size ?? 0;
    const level = path.level === 'entries' ? 0 : path.level;
    const available = tileWidth(level, path.index, published);
    if (available === 0 || path.width > available) throw CommonErrors.notFound('tile', { path: raw }, `tile ${raw} is not in the published tree of size ${published}`);
    reply.header('cache-control', path.width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    if (path.level === 'entries') {
      const start = path.index * TILE_WIDTH;
      const entries = await registry.log.entries(start, start + path.width);
      const parts: Buffer[] = [];
      for (const entry of entries) {
        const bytes = Buffer.from(entry, 'utf8');
        const length = Buffer.alloc(2);
        length.writeUInt16BE(bytes.length);
        parts.push(length, bytes);
      }
      return reply.type('application/octet-stream').send(Buffer.concat(parts));
    }
    const tile = await registry.log.tile(path.level, path.index);
    if (!tile || tile.width < path.width) throw CommonErrors.notFound('tile', { path: raw }, `tile ${raw} was not found`);
    return reply.type('application/octet-stream').send(tile.hashes.subarray(0, path.width * 32));
  });

  api.get(
    '/registry/proof/inclusion',
    { schema: { tags, querystring: z.object({ index: z.coerce.number().int().min(0).optional(), leafHash: z.string().max(64).optional(), treeSize: z.coerce.number().int().min(1).optional() }), response: { 200: inclusionProofSchema } } },
    async (request) => {
      const size = request.query.treeSize ?? (await registry.log.latestCheckpoint())?.size;
      if (!size) throw CommonErrors.notFound('checkpoint', {}, 'no checkpoint was found (nothing has been registered yet)');
      let index = request.query.index;
      if (index === undefined) {
        if (!request.query.leafHash) throw CommonErrors.invalid('give index or leafHash', { key: 'registry.index_or_leaf_hash' });
        const found = await registry.log.indexOfLeaf(request.query.leafHash);
        if (found === null) throw CommonErrors.notFound('log_entry', { leafHash: request.query.leafHash }, `no entry with leaf hash ${request.query.leafHash} was found`);
        index = found;
      }
      if (index >= size) throw CommonErrors.invalid(`index ${index} is not below tree size ${size}`, { key: 'registry.index_beyond_tree', params: { index, size } });
      await registry.log.requirePublished(size);
      return { index, treeSize: size, proof: (await registry.log.inclusionProof(index, size)).map((h) => h.toString('base64')) };
    },
  );

  api.get(
    '/registry/consistency-bundle',
    {
      schema: {
        tags,
        querystring: z.object({ from: z.coerce.number().int().min(1) }),
        description: 'The latest signed checkpoint and the consistency proof from tree size `from` to it: give it to `wenyuan verify --later` to check that an old receipt’s tree is still part of the log.',
        response: { 200: consistencyBundleSchema },
      },
    },
    async (request, reply) => {
      const latest = await registry.log.latestCheckpoint();
      if (!latest) throw CommonErrors.notFound('checkpoint', {}, 'no checkpoint was found (nothing has been registered yet)');
      if (request.query.from > latest.size) throw CommonErrors.invalid(`from (${request.query.from}) is larger than the latest tree size ${latest.size}`, { key: 'registry.from_beyond_latest', params: { from: request.query.from, size: latest.size } });
      const proof = (await registry.log.consistencyProof(request.query.from, latest.size)).map((h) => h.toString('base64'));
      reply.header('content-disposition', `attachment; filename="wenyuan-checkpoint-${latest.size}.json"`);
      return { type: 'wenyuan.registry.consistency/v1' as const, from: request.query.from, checkpoint: latest.note, proof };
    },
  );

  api.get(
    '/registry/proof/consistency',
    { schema: { tags, querystring: z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }), response: { 200: consistencyProofSchema } } },
    async (request) => {
      const { from, to } = request.query;
      if (from > to) throw CommonErrors.invalid(`from (${from}) must not be larger than to (${to})`, { key: 'registry.from_after_to', params: { from, to } });
      await registry.log.requirePublished(to);
      return { from, to, proof: (await registry.log.consistencyProof(from, to)).map((h) => h.toString('base64')) };
    },
  );
}
