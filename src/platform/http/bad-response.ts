import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBody } from './api-contract.js';

/** A route answered with a value its response schema refuses (fastify-type-provider-zod's serializer). */
export function isBadResponse(error: unknown): error is ResponseSerializationError {
  return error instanceof ResponseSerializationError;
}

/**
 * The server broke its own contract: log which route and which fields, answer a plain 500 and send
 * none of the value (it may hold what the schema would have stripped or refused).
 */
export function answerBadResponse(error: ResponseSerializationError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const cause = error.cause as { issues?: { path: PropertyKey[]; code: string; message: string }[] } | undefined;
  const issues = (cause?.issues ?? []).map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', code: issue.code, message: issue.message }));
  // request.log carries the request id (`reqId`) on every line; the message repeats it for plain-text logs.
  request.log.error(
    { route: `${error.method} ${error.url}`, status: reply.statusCode, issues },
    `response of ${error.method} ${error.url} (request ${request.id}) does not match its schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
  );
  const body: ErrorBody = { error: { code: 'internal', key: 'internal', message: 'internal error; the server log has the details' } };
  // A download route may have named the file already; this answer is no file.
  reply.removeHeader('content-disposition');
  return reply.status(500).type('application/json; charset=utf-8').send(body);
}
