import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from './api-contract.js';

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type TransformObject = NonNullable<FastifyDynamicSwaggerOptions['transformObject']>;

/**
 * onRoute hook: every API route answers errors with the one error body, so the serializer checks
 * it and the document declares it, without each route repeating it.
 */
export function declareErrorResponses(route: RouteOptions): void {
  const schema = route.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
  if (!schema || schema.hide) return;
  route.schema = { ...schema, response: { '4xx': errorBodySchema, '5xx': errorBodySchema, ...schema.response } };
}

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '4xx': 'Refused: the error code says why (401 sign in, 403 not allowed, 404 not found or hidden, 409 conflict…).',
  '5xx': 'The server failed; its log has the details.',
};

/**
 * The route transform of fastify-type-provider-zod, letting through the responses that are not
 * zod (files, tiles, text: `mediaResponse`), which are OpenAPI already, and describing the errors.
 */
const transform: Transform = (input) => {
  const response = (input.schema as { response?: Record<string, unknown> } | undefined)?.response;
  if (!response) return jsonSchemaTransform(input);
  const isZod = ([, value]: [string, unknown]) => value instanceof z.ZodType;
  const result = jsonSchemaTransform({ ...input, schema: { ...input.schema, response: Object.fromEntries(Object.entries(response).filter(isZod)) } });
  const transformed = result.schema as { response?: Record<string, Record<string, unknown>> };
  const responses: Record<string, unknown> = { ...transformed.response, ...Object.fromEntries(Object.entries(response).filter((entry) => !isZod(entry))) };
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS)) {
    if (responses[status]) responses[status] = { ...(responses[status] as object), description };
  }
  return { ...result, schema: { ...transformed, response: responses } };
};

const SCHEMAS = '#/components/schemas/';

/** Every `$ref` to a named schema inside `value`. */
function refsIn(value: unknown, found: (name: string) => void): void {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMAS)) found(child.slice(SCHEMAS.length));
      else refsIn(child, found);
    }
  }
}

/**
 * The named schemas (`.meta({ id })`) as `components.schemas`. The library writes each one twice,
 * as read (`X`) and as written (`XInput`); a written form that reads the same, or whose read form
 * no route answers with, takes the plain name, and names no path uses are left out.
 */
const transformObject: TransformObject = (input) => {
  const generated = jsonSchemaTransformObject(input) as { paths?: unknown; components?: { schemas?: Record<string, Record<string, unknown>> } };
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const [name, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(generated.components?.schemas ?? {})) schemas[name] = schema;

  // What the paths use, directly or through other named schemas.
  const reachable = (roots: unknown, all: Record<string, unknown>) => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      refsIn(all[name], visit);
    };
    refsIn(roots, visit);
    return seen;
  };
  const used = reachable(generated.paths, schemas);
  const renamed = new Map<string, string>();
  const rename = (text: string) => text.replace(/"#\/components\/schemas\/([^"]+)"/g, (ref, name: string) => (renamed.has(name) ? `"${SCHEMAS}${renamed.get(name)}"` : ref));
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of Object.keys(schemas)) {
      const plain = name.replace(/Input$/, '');
      if (plain === name || renamed.has(name) || !used.has(name)) continue;
      const readForm = schemas[plain];
      if (!readForm || !used.has(plain) || rename(JSON.stringify(readForm)) === rename(JSON.stringify(schemas[name]))) {
        renamed.set(name, plain);
        changed = true;
      }
    }
  }
  const document = JSON.parse(rename(JSON.stringify({ ...generated, components: { ...generated.components, schemas } }))) as { paths?: unknown; components: { schemas: Record<string, unknown> } };
  for (const [from, to] of renamed) {
    if (!used.has(to)) document.components.schemas[to] = document.components.schemas[from];
    delete document.components.schemas[from];
  }
  const kept = reachable(document.paths, document.components.schemas);
  const named = Object.fromEntries(Object.keys(document.components.schemas).sort().filter((name) => kept.has(name)).map((name) => [name, document.components.schemas[name]]));
  return { ...document, components: { ...document.components, schemas: named } } as ReturnType<TransformObject>;
};

/** The options of @fastify/swagger: OpenAPI 3.1 (JSON Schema 2020-12, as zod writes it). */
export const openApiOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: { title: 'Wenyuan API', description: 'Archive, catalogue and rights of cultural works.', version: '0.1.0' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token created in the account page' },
        session: { type: 'apiKey', in: 'cookie', name: 'wy_session' },
      },
    },
  },
  transform,
  transformObject,
};
