import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import { CommonErrors } from '../platform/errors.js';
import type { Api } from '../platform/http/api.js';
import { OK, okSchema } from '../platform/http/api-contract.js';
import {
  appealBody,
  decisionBody,
  idParams,
  markReadBody,
  notificationEmailBody,
  notificationEmailSchema,
  notificationListSchema,
  reasonBody,
  reasonParams,
  reportAnswerSchema,
  reportBody,
  reviewItemSchema,
  reviewQueueQuery,
  reviewQueueSchema,
  reviewReasonSchema,
  reviewSettingsSchema,
  workloadSchema,
} from './review.contract.js';
import type { NotificationService } from './notification.service.js';
import type { ReviewSettingsService } from './review-settings.service.js';
import type { ReviewService } from './review.service.js';

const tags = ['review'];
const reviewers = requireRole('admin', 'curator', 'reviewer');
const admins = requireRole('admin');
/** Reports per visitor per minute: past it a flood is refused before it reaches the case (which counts one per reporter anyway). */
const REPORTS_PER_MINUTE = 10;

/** The review queue, decisions, appeals, reports, workload and the instance's review settings. */
export function reviewRoutes(api: Api, deps: { review: ReviewService; reviewSettings: ReviewSettingsService }): void {
  const { review, reviewSettings } = deps;

  api.get(
    '/review/items',
    { preValidation: requireUser, preHandler: reviewers, schema: { tags, querystring: reviewQueueQuery, description: 'A page of the review queue: open items oldest first (decided: newest first), by keyset (`after` = the previous page’s `next`).', response: { 200: reviewQueueSchema } } },
    async (request) => {
      const q = request.query;
      return review.queue(request.actor, { ...(q.kind ? { kind: q.kind } : {}), ...(q.state ? { state: q.state } : {}), ...(q.stage ? { stage: q.stage } : {}), mine: q.mine === '1', ...(q.after ? { after: q.after } : {}), ...(q.limit ? { limit: q.limit } : {}) });
    },
  );

  api.get('/review/items/:id', { preValidation: requireUser, preHandler: reviewers, schema: { tags, params: idParams, response: { 200: reviewItemSchema } } }, async (request) => review.item(request.actor, request.params.id));

  api.post(
    '/review/items/:id/claim',
    { preValidation: requireUser, preHandler: reviewers, schema: { tags, params: idParams, description: `Takes the item for ${30} minutes; another reviewer's unexpired claim answers 409 review.claimed_by_other.`, response: { 200: reviewItemSchema } } },
    async (request) => review.claim(request.actor, request.params.id),
  );

  api.post('/review/items/:id/release', { preValidation: requireUser, preHandler: reviewers, schema: { tags, params: idParams, response: { 200: reviewItemSchema } } }, async (request) => review.release(request.actor, request.params.id));

  api.post(
    '/review/items/:id/decision',
    { preValidation: requireUser, preHandler: reviewers, schema: { tags, params: idParams, body: decisionBody, description: 'Submissions: approved (the work becomes public), rejected, changes_requested. Cases: dismissed, unpublished (the work becomes private). Needs your claim; rejections need a reason from the list.', response: { 200: reviewItemSchema } } },
    async (request) => review.decide(request.actor, request.params.id, request.body, request.ip),
  );

  api.post(
    '/review/items/:id/appeal',
    { preValidation: requireUser, schema: { tags, params: idParams, body: appealBody, description: 'The submitter appeals a rejection or a request for changes, once, within the instance’s appeal period; another reviewer decides it.', response: { 200: reviewItemSchema } } },
    async (request) => review.appeal(request.actor, request.params.id, request.body.text, request.ip),
  );

  api.get('/review/mine', { preValidation: requireUser, schema: { tags, description: 'My submissions, newest first, with their checks, decisions and appeal deadlines.', response: { 200: z.object({ items: z.array(reviewItemSchema) }) } } }, async (request) => ({
    items: await review.mine(request.actor),
  }));

  api.post(
    '/works/:id/reports',
    {
      config: { rateLimit: { max: REPORTS_PER_MINUTE, timeWindow: 60_000 } },
      schema: { tags, params: idParams, body: reportBody, description: 'Anyone reports a public work (a reason from the list, details). Reports of a work while its case is open join that case.', response: { 201: reportAnswerSchema } },
    },
    async (request, reply) => reply.status(201).send(await review.report(request.actor, request.params.id, request.body, request.ip)),
  );

  api.get('/review/workload', { preValidation: requireUser, preHandler: reviewers, schema: { tags, response: { 200: workloadSchema } } }, async (request) => review.workload(request.actor));

  api.get('/review/settings', { preValidation: requireUser, preHandler: reviewers, schema: { tags, response: { 200: reviewSettingsSchema } } }, async () => reviewSettings.read());

  api.put(
    '/review/settings',
    { preValidation: requireUser, preHandler: admins, schema: { tags, body: reviewSettingsSchema, description: 'What waits for review (policy, collections), the appeal period, and the automatic checks’ terms, rules and limits.', response: { 200: reviewSettingsSchema } } },
    async (request) => reviewSettings.write(request.actor, request.body, request.ip),
  );

  api.get('/review/reasons', { schema: { tags, description: 'The reasons reviewers and reporters choose from (retired ones included, flagged).', response: { 200: z.object({ items: z.array(reviewReasonSchema) }) } } }, async () => ({ items: await reviewSettings.reasons() }));

  api.put(
    '/review/reasons/:code',
    { preValidation: requireUser, preHandler: admins, schema: { tags, params: reasonParams, body: reasonBody, description: 'Adds or edits a reason (retire it rather than delete: old decisions keep naming it).', response: { 200: reviewReasonSchema } } },
    async (request) => reviewSettings.putReason(request.actor, request.params.code, request.body, request.ip),
  );
}

/** One's own notifications and the address they are emailed to. */
export function notificationRoutes(api: Api, deps: { notifications: NotificationService }): void {
  const { notifications } = deps;
  const tags = ['notifications'];
  const userId = (actor: { kind: string; id?: string }): string => {
    if (actor.kind !== 'user' || !actor.id) throw CommonErrors.unauthenticated();
    return actor.id;
  };

  api.get('/notifications', { preValidation: requireUser, schema: { tags, description: 'My latest 50 notifications, newest first, and how many are unread.', response: { 200: notificationListSchema } } }, async (request) => notifications.list(userId(request.actor)));

  api.post('/notifications/read', { preValidation: requireUser, schema: { tags, body: markReadBody, response: { 200: okSchema } } }, async (request) => {
    await notifications.markRead(userId(request.actor), request.body.ids ?? null);
    return OK;
  });

  api.get('/notifications/email', { preValidation: requireUser, schema: { tags, response: { 200: notificationEmailSchema } } }, async (request) => notifications.address(userId(request.actor)));

  api.put('/notifications/email', { preValidation: requireUser, schema: { tags, body: notificationEmailBody, description: 'Where notifications are emailed (null: nowhere). Mail goes out only when the instance has SMTP configured.', response: { 200: notificationEmailSchema } } }, async (request) =>
    notifications.setAddress(userId(request.actor), request.body.email),
  );
}
