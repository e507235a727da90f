import Fastify, { type FastifyInstance } from 'fastify';
import { MAX_ADD_CHECKPOINT_BYTES, WitnessRequestError, type Witness } from './witness.js';

/**
 * The witness's HTTP interface (c2sp.org/tlog-witness): `POST /add-checkpoint` (the body is read
 * as raw bytes, whatever its content type) and `GET /key` (the witness's verifier key).
 */
export function buildWitnessServer(witness: Witness, options: { logger?: boolean } = {}): FastifyInstance {
  const server = Fastify({ logger: options.logger ?? false, bodyLimit: MAX_ADD_CHECKPOINT_BYTES });
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_ADD_CHECKPOINT_BYTES }, (_request, body, done) => done(null, body));

  server.post('/add-checkpoint', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    try {
      const lines = await witness.addCheckpoint(body);
      return reply.status(200).type('text/plain; charset=utf-8').send(lines);
    } catch (error) {
      if (error instanceof WitnessRequestError) return reply.status(error.status).type(error.contentType).send(error.body);
      request.log.error({ err: error }, 'add-checkpoint failed');
      return reply.status(500).type('text/plain; charset=utf-8').send('internal error\n');
    }
  });

  server.get('/key', async (_request, reply) => reply.type('text/plain; charset=utf-8').send(`${witness.verifierKey}\n`));
  return server;
}
