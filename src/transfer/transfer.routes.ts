import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import { STAFF_ROLES } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import type { Api } from '../platform/http/api.js';
import { itemsOf, mediaResponse } from '../platform/http/api-contract.js';
import type { AssessmentService } from './assessment.service.js';
import {
  ASSESSMENT_STATUSES,
  assessmentInputSchema,
  assessmentSchema,
  classLabelSchema,
  classLabelsSchema,
  decisionLogSchema,
  destinationSchema,
  ruleInputSchema,
  transferDecisionSchema,
  transferExportSchema,
  transferOutcomeSchema,
  transferPathSchema,
  transferRulesSchema,
  transferSubjectSchema,
} from './transfer.contract.js';
import type { TransferDecisionLog } from './transfer-decisions.service.js';
import type { TransferExportService } from './transfer-export.service.js';
import type { TransferGate, TransferSubject } from './transfer-gate.js';
import { requireStaff, type TransferRulesService } from './transfer-rules.service.js';

const tags = ['transfers'];
const staff = { preValidation: requireUser, preHandler: requireRole(...STAFF_ROLES) };
const managers = { preValidation: requireUser, preHandler: requireRole('admin', 'curator') };
const admins = { preValidation: requireUser, preHandler: requireRole('admin') };
const idParams = z.object({ id: z.string().max(64) });

/** A collection or a list of works, exactly one. */
function subjectOf(input: { collectionId?: string | null | undefined; workIds?: string[] | null | undefined }): TransferSubject {
  const hasCollection = Boolean(input.collectionId);
  const hasWorks = (input.workIds?.length ?? 0) > 0;
  if (hasCollection === hasWorks) throw CommonErrors.invalid('send either one collection or a list of works (give exactly one of them)', { key: 'transfer.selection' });
  return input.collectionId ? { collectionId: input.collectionId } : { workIds: input.workIds ?? [] };
}

/** Cross-border transfer rules, class labels, the dry-run check, assessments, the decision log and exports. */
export function transferRoutes(api: Api, deps: { rules: TransferRulesService; gate: TransferGate; assessments: AssessmentService; decisions: TransferDecisionLog; exports: TransferExportService }): void {
  const { rules, gate, assessments, decisions, exports } = deps;

  api.get('/transfers/rules', { ...staff, schema: { tags, description: 'The transfer rules and the contradictions among them (the strictest wins).', response: { 200: transferRulesSchema } } }, async (request) => rules.list(request.actor));
  api.put(
    '/transfers/rules',
    { ...admins, schema: { tags, description: 'Replaces every rule at once; answers with the contradictions.', body: z.object({ items: z.array(ruleInputSchema).max(500) }), response: { 200: transferRulesSchema } } },
    async (request) => rules.replace(request.actor, request.body.items),
  );

  api.get('/transfers/classes', { ...staff, schema: { tags, description: 'The labels of the data classes (zh-Hans, en).', response: { 200: classLabelsSchema } } }, async () => ({ items: await rules.labels() }));
  api.put('/transfers/classes', { ...admins, schema: { tags, body: z.object({ items: z.array(classLabelSchema).max(4) }), response: { 200: classLabelsSchema } } }, async (request) => ({ items: await rules.setLabels(request.actor, request.body.items) }));

  api.post(
    '/transfers/check',
    { ...staff, schema: { tags, description: 'What would happen if these works or this collection went to this destination (nothing is logged).', body: transferSubjectSchema.extend({ destination: destinationSchema, assessmentId: z.string().max(64).nullish() }), response: { 200: transferDecisionSchema.extend({ problem: z.object({ code: z.string(), key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), message: z.string() }).nullable() }) } } },
    async (request) => {
      requireStaff(request.actor);
      const { decision, problem } = await gate.evaluate(request.body.destination, subjectOf(request.body), request.body.assessmentId);
      return { ...decision, problem: problem ? { code: problem.code, key: problem.key, params: { ...problem.params }, message: problem.message } : null };
    },
  );

  api.get('/transfers/assessments', { ...staff, schema: { tags, querystring: z.object({ status: z.enum(ASSESSMENT_STATUSES).optional() }), response: { 200: itemsOf(assessmentSchema) } } }, async (request) => ({ items: await assessments.list(request.actor, request.query.status) }));
  api.get('/transfers/assessments/:id', { ...staff, schema: { tags, params: idParams, response: { 200: assessmentSchema } } }, async (request) => assessments.get(request.actor, request.params.id));
  api.post('/transfers/assessments', { ...managers, schema: { tags, description: 'Submits a risk assessment for an admin to approve.', body: assessmentInputSchema, response: { 201: assessmentSchema } } }, async (request, reply) => reply.status(201).send(await assessments.submit(request.actor, request.body)));
  api.post(
    '/transfers/assessments/:id/approve',
    { ...admins, schema: { tags, description: 'Approves a pending assessment (another admin than the submitter, unless there is only one).', params: idParams, body: z.object({ expiresAt: z.string().max(40).nullish(), note: z.string().max(2000).nullish() }).nullish(), response: { 200: assessmentSchema } } },
    async (request) => assessments.approve(request.actor, request.params.id, { expiresAt: request.body?.expiresAt ?? null, note: request.body?.note ?? null }),
  );
  api.post(
    '/transfers/assessments/:id/reject',
    { ...admins, schema: { tags, params: idParams, body: z.object({ note: z.string().max(2000).nullish() }).nullish(), response: { 200: assessmentSchema } } },
    async (request) => assessments.reject(request.actor, request.params.id, request.body?.note ?? null),
  );

  api.get(
    '/transfers/decisions',
    {
      ...staff,
      schema: {
        tags,
        description: 'Every transfer decision, newest first.',
        querystring: z.object({ path: transferPathSchema.optional(), destination: z.string().max(6).optional(), outcome: transferOutcomeSchema.optional(), since: z.string().max(40).optional(), until: z.string().max(40).optional(), before: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }),
        response: { 200: itemsOf(decisionLogSchema) },
      },
    },
    async (request) => ({ items: await decisions.list(request.actor, { ...request.query, limit: request.query.limit ?? 100 }) }),
  );

  api.post(
    '/transfers/exports',
    {
      ...managers,
      schema: {
        tags,
        description: 'Checks the transfer, then writes a BagIt bag of the collection or works as a tar to download. Refused or unassessed transfers write nothing (and are logged).',
        body: transferSubjectSchema.extend({ destination: destinationSchema, assessmentId: z.string().max(64).nullish(), withDerivatives: z.boolean().nullish() }),
        response: { 201: transferExportSchema },
      },
    },
    async (request, reply) => {
      const made = await exports.create(request.actor, { subject: subjectOf(request.body), destination: request.body.destination, assessmentId: request.body.assessmentId ?? null, includeDerivatives: Boolean(request.body.withDerivatives) });
      return reply.status(201).send(made);
    },
  );
  api.get(
    '/transfers/exports/:id/download',
    { ...managers, schema: { tags, params: idParams, response: { 200: mediaResponse('The bag as a tar file.', ['application/x-tar']) } } },
    async (request, reply) => {
      const file = await exports.open(request.actor, request.params.id);
      return reply.type('application/x-tar').header('content-length', file.bytes).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.stream);
    },
  );
}

