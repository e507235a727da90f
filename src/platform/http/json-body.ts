import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/**
 * Bounds on the shape of a JSON body. A 2 MB body may hold 150,000 keys, and validating them one
 * by one (then reporting every one) stalls the event loop for seconds; no form of ours needs more
 * than a few thousand values, so anything past these bounds is refused before validation starts.
 */
export const JSON_BODY_LIMITS = { maxNodes: 50_000, maxKeysPerObject: 2_000, maxDepth: 32 } as const;

/** Why a parsed body is refused, or null when its shape is within the limits. */
export function jsonShapeProblem(value: unknown, limits: { maxNodes: number; maxKeysPerObject: number; maxDepth: number } = JSON_BODY_LIMITS): string | null {
  let nodes = 0;
  // An explicit stack: deep nesting must not overflow the call stack either.
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop()!;
    if (++nodes > limits.maxNodes) return `more than ${limits.maxNodes} values`;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`;
    if (Array.isArray(item)) {
      for (const element of item) stack.push({ value: element, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(item);
    if (keys.length > limits.maxKeysPerObject) return `an object with more than ${limits.maxKeysPerObject} keys`;
    for (const key of keys) stack.push({ value: (item as Record<string, unknown>)[key], depth: depth + 1 });
  }
  return null;
}

/** Replaces Fastify's JSON parser with its own (prototype-poisoning checks kept) plus the shape bounds. */
export function guardJsonBodies(server: FastifyInstance): void {
  const parse = server.getDefaultJsonParser('error', 'error');
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error, value) => {
      if (error) return done(error, undefined);
      const problem = jsonShapeProblem(value);
      if (problem) return done(new AppError('invalid_input', `the JSON body is too complex: ${problem}`, { key: 'invalid_input.too_complex', params: { maxValues: JSON_BODY_LIMITS.maxNodes, maxKeys: JSON_BODY_LIMITS.maxKeysPerObject, maxDepth: JSON_BODY_LIMITS.maxDepth } }), undefined);
      done(null, value);
    });
  });
}
