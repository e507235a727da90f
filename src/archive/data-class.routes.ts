import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import { STAFF_ROLES } from '../govern/roles.js';
import type { Api } from '../platform/http/api.js';
import { DATA_CLASSES } from './data-class.js';
import type { DataClassService } from './data-class.service.js';

const dataClassSchema = z.enum(DATA_CLASSES).meta({ id: 'DataClass', description: 'Data classification (China’s Data Security Law): public, internal, important data, core data.' });
const dataClassViewSchema = z
  .object({
    own: dataClassSchema,
    effective: dataClassSchema.describe('The class in force: the strictest of its own and every collection above it.'),
    inheritedFrom: z.string().nullable().describe('The collection whose class is in force, when stricter than its own.'),
  })
  .meta({ id: 'DataClassView' });
const params = z.object({ id: z.string().max(64) });
const body = z.object({ dataClass: dataClassSchema });

/** The data class of works and collections: staff read it, admins and curators set it. */
export function dataClassRoutes(api: Api, deps: { dataClasses: DataClassService }): void {
  const { dataClasses } = deps;
  const read = { preValidation: requireUser, preHandler: requireRole(...STAFF_ROLES) };
  const write = { preValidation: requireUser, preHandler: requireRole('admin', 'curator') };
  api.get('/works/:id/data-class', { ...read, schema: { tags: ['works'], params, response: { 200: dataClassViewSchema } } }, async (request) => dataClasses.ofWork(request.actor, request.params.id));
  api.put('/works/:id/data-class', { ...write, schema: { tags: ['works'], params, body, response: { 200: dataClassViewSchema } } }, async (request) => dataClasses.setWork(request.actor, request.params.id, request.body.dataClass));
  api.get('/collections/:id/data-class', { ...read, schema: { tags: ['collections'], params, response: { 200: dataClassViewSchema } } }, async (request) => dataClasses.ofCollection(request.actor, request.params.id));
  api.put('/collections/:id/data-class', { ...write, schema: { tags: ['collections'], params, body, response: { 200: dataClassViewSchema } } }, async (request) => dataClasses.setCollection(request.actor, request.params.id, request.body.dataClass));
}
