import { z } from 'zod';
import { requireRole, requireUser } from '../govern/http-auth.js';
import type { Api } from '../platform/http/api.js';
import { CommonErrors } from '../platform/errors.js';
import { mediaResponse } from '../platform/http/api-contract.js';
import {
  checkInputSchema, checkResultSchema, decisionNoteSchema, grantListSchema, grantPublicStatusSchema, grantSchema, heritageElementInputSchema, heritageElementListSchema, heritageElementSchema,
  idParams, offerInputSchema, offerSchema, offerUpdateSchema, orderInputSchema, orderListSchema, orderSchema, ORDER_STATUSES, partyInputSchema, partyListSchema, partySchema,
  paymentInputSchema, publicLicenceInputSchema, settlementInputSchema, settlementListSchema, settlementSchema, splitHistorySchema, splitInputSchema, splitSchema, statementQuerySchema,
  statementSchema, termsSchema, trialBalanceSchema, workHeritageSchema,
} from './license.contract.js';
import type { HeritageService } from './heritage.service.js';
import type { OrderService } from './order.service.js';
import type { RoyaltyService } from './royalty.service.js';
import type { TdmService } from './tdm.service.js';
import type { TermsService } from './terms.service.js';

const tags = ['license'];
const staff = requireRole('admin', 'curator');
const rightHolders = requireRole('admin', 'curator', 'creator');
const sha256Query = z.object({ sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the agreement hash printed on the certificate') });

/**
 * Licensing and trade: terms (public licences and offers as ODRL, heritage rules), the "may I?"
 * check, orders → grants, royalty splits and the ledger. Reading a public work's terms and checking a
 * use is public; ordering needs an account; deciding needs the work's right holder or a curator.
 */
export function licenseRoutes(api: Api, deps: { terms: TermsService; heritage: HeritageService; orders: OrderService; royalties: RoyaltyService; tdm: TdmService }): void {
  const { terms, heritage, orders, royalties, tdm } = deps;

  // Terms

  api.get('/works/:id/terms', { schema: { tags, params: idParams, description: 'What anyone may do with the work for free, what can be bought and for how much, inherited heritage rules and the AI-training reservation.', response: { 200: termsSchema } } }, async (request) =>
    terms.termsOf(request.actor, request.params.id),
  );

  api.put(
    '/terms/:type/:id/public-licence',
    { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: z.object({ type: z.enum(['work', 'collection']), id: z.string().min(1).max(64) }), body: publicLicenceInputSchema, description: 'Sets the public licence of a work or collection (an ODRL Set, or a CC / RightsStatements URI mapped onto it); null removes it.', response: { 200: z.object({ licence: offerSchema.nullable() }) } } },
    async (request) => ({ licence: await terms.setPublicLicence(request.actor, request.params, request.body) }),
  );

  api.get('/offers', { schema: { tags, querystring: z.object({ type: z.enum(['work', 'collection']).default('work'), id: z.string().min(1).max(64) }), description: 'The active offers of a work (its own and its collections’) or of a collection.', response: { 200: z.object({ items: z.array(offerSchema) }) } } }, async (request) => ({
    items: await terms.listOffers(request.actor, { type: request.query.type, id: request.query.id }),
  }));

  api.post('/offers', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, body: offerInputSchema, description: 'A commercial offer (an ODRL Offer) on a work or a collection.', response: { 201: offerSchema } } }, async (request, reply) =>
    reply.status(201).send(await terms.createOffer(request.actor, request.body)),
  );

  api.get('/offers/:id', { schema: { tags, params: idParams, response: { 200: offerSchema } } }, async (request) => terms.getOffer(request.actor, request.params.id));

  api.put('/offers/:id', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, body: offerUpdateSchema, description: 'A new version of an offer (optimistic: send the version you read).', response: { 200: offerSchema } } }, async (request) =>
    terms.updateOffer(request.actor, request.params.id, request.body),
  );

  api.delete('/offers/:id', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, description: 'Withdraws an offer: no new orders; grants made under it stay valid.', response: { 204: z.null().describe('Withdrawn.') } } }, async (request, reply) => {
    await terms.withdrawOffer(request.actor, request.params.id);
    return reply.status(204).send(null);
  });

  api.post('/license/check', { schema: { tags, body: checkInputSchema, description: 'May <party> <action> <work> for <purpose> in <territory>? Answered by the policy engine from the public licence, the party’s grants and the offers, with the reason and the rule.', response: { 200: checkResultSchema } } }, async (request) => {
    const { workId, party, ...use } = request.body;
    return terms.check(request.actor, workId, { ...use, ...(party ? { party } : {}) }, (work, who) => orders.grantPoliciesOf(work.id, who));
  });

  api.get('/license/tdm-policy', { schema: { tags, description: 'The TDMRep policy linked from /.well-known/tdmrep.json: mining is reserved; ask the institution (an ODRL Offer).', response: { 200: mediaResponse('An ODRL Offer in JSON-LD.', ['application/ld+json']) } } }, async (request, reply) =>
    reply.type('application/ld+json').header('cache-control', 'public, max-age=300').send(JSON.stringify(await tdm.policyDocument())),
  );

  // Heritage elements

  api.get('/heritage-elements', { schema: { tags, response: { 200: heritageElementListSchema } } }, async () => ({ items: await heritage.list() }));
  api.get('/heritage-elements/:id', { schema: { tags, params: idParams, response: { 200: heritageElementSchema } } }, async (request) => heritage.get(request.params.id));
  api.post('/heritage-elements', { preValidation: requireUser, preHandler: staff, schema: { tags, body: heritageElementInputSchema, response: { 201: heritageElementSchema } } }, async (request, reply) =>
    reply.status(201).send(await heritage.create(request.actor, request.body)),
  );
  api.put('/heritage-elements/:id', { preValidation: requireUser, preHandler: staff, schema: { tags, params: idParams, body: heritageElementInputSchema, response: { 200: heritageElementSchema } } }, async (request) =>
    heritage.update(request.actor, request.params.id, request.body),
  );
  api.get('/works/:id/heritage-elements', { schema: { tags, params: idParams, response: { 200: workHeritageSchema } } }, async (request) => heritage.workElements(request.actor, request.params.id));
  api.put('/works/:id/heritage-elements', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, body: workHeritageSchema, response: { 200: workHeritageSchema } } }, async (request) =>
    heritage.setWorkElements(request.actor, request.params.id, request.body.elementIds),
  );

  // Parties and splits

  api.get('/parties', { preValidation: requireUser, schema: { tags, description: 'Parties that receive royalties (staff and creators: all; others: their own).', response: { 200: partyListSchema } } }, async (request) => ({ items: await royalties.listParties(request.actor) }));
  api.post('/parties', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, body: partyInputSchema, response: { 201: partySchema } } }, async (request, reply) =>
    reply.status(201).send(await royalties.createParty(request.actor, request.body)),
  );
  api.put('/parties/:id', { preValidation: requireUser, preHandler: staff, schema: { tags, params: idParams, body: partyInputSchema, response: { 200: partySchema } } }, async (request) =>
    royalties.updateParty(request.actor, request.params.id, request.body),
  );
  api.get('/works/:id/royalty-split', { preValidation: requireUser, schema: { tags, params: idParams, response: { 200: splitHistorySchema } } }, async (request) => royalties.split(request.actor, request.params.id));
  api.put('/works/:id/royalty-split', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, body: splitInputSchema, description: 'A new version of the work’s royalty split (basis points summing to 10,000).', response: { 200: splitSchema } } }, async (request) =>
    royalties.setSplit(request.actor, request.params.id, request.body),
  );

  // Orders

  api.get('/orders', { preValidation: requireUser, schema: { tags, querystring: z.object({ status: z.enum(ORDER_STATUSES).optional(), role: z.enum(['licensee', 'right-holder']).optional() }), description: 'Orders you placed and orders on works you manage (every order for admins and curators).', response: { 200: orderListSchema } } }, async (request) => ({
    items: await orders.listOrders(request.actor, request.query),
  }));
  api.post('/orders', { preValidation: requireUser, schema: { tags, body: orderInputSchema, description: 'Asks for a licence under an offer: checked and priced by the policy engine.', response: { 201: orderSchema } } }, async (request, reply) =>
    reply.status(201).send(await orders.createOrder(request.actor, request.body)),
  );
  api.get('/orders/:id', { preValidation: requireUser, schema: { tags, params: idParams, response: { 200: orderSchema } } }, async (request) => orders.getOrder(request.actor, request.params.id));
  api.post('/orders/:id/approve', { preValidation: requireUser, schema: { tags, params: idParams, body: decisionNoteSchema.nullish(), description: 'The right holder or a curator approves; the invoice is issued (a free use is granted at once).', response: { 200: orderSchema } } }, async (request) =>
    orders.approve(request.actor, request.params.id, request.body?.note),
  );
  api.post('/orders/:id/reject', { preValidation: requireUser, schema: { tags, params: idParams, body: decisionNoteSchema.nullish(), response: { 200: orderSchema } } }, async (request) => orders.reject(request.actor, request.params.id, request.body?.note));
  api.post('/orders/:id/cancel', { preValidation: requireUser, schema: { tags, params: idParams, response: { 200: orderSchema } } }, async (request) => orders.cancel(request.actor, request.params.id));
  api.post('/orders/:id/payment', { preValidation: requireUser, schema: { tags, params: idParams, body: paymentInputSchema, description: 'Confirms that the invoice was paid (bank transfer); books the ledger and makes the grant, once.', response: { 200: orderSchema } } }, async (request) =>
    orders.confirmPayment(request.actor, request.params.id, request.body),
  );

  // Grants

  api.get('/grants', { preValidation: requireUser, schema: { tags, querystring: z.object({ workId: z.string().min(1).max(64).optional() }), description: 'Your grants, and grants on works you manage.', response: { 200: grantListSchema } } }, async (request) => ({
    items: await orders.listGrants(request.actor, request.query),
  }));
  api.get('/grants/:id', { preValidation: requireUser, schema: { tags, params: idParams, response: { 200: grantSchema } } }, async (request) => orders.getGrant(request.actor, request.params.id));
  api.get('/grants/:id/agreement.json', { preValidation: requireUser, schema: { tags, params: idParams, description: 'The ODRL Agreement exactly as hashed into the log (verify with `wenyuan verify <receipt> --file <agreement>`).', response: { 200: mediaResponse('The Agreement, canonical JSON-LD.', ['application/ld+json']) } } }, async (request, reply) =>
    reply.type('application/ld+json').header('content-disposition', `attachment; filename="wenyuan-grant-${request.params.id}.jsonld"`).send(await orders.agreement(request.actor, request.params.id)),
  );
  api.get('/grants/:id/receipt.json', { preValidation: requireUser, schema: { tags, params: idParams, querystring: z.object({ of: z.enum(['grant', 'revocation']).default('grant') }), description: 'The transparency-log receipt of the grant’s agreement (or of its revocation); 409 while pending.', response: { 200: mediaResponse('The receipt (wenyuan.registry.receipt/v1).', ['application/json']) } } }, async (request, reply) => {
    const receipt = await orders.receipt(request.actor, request.params.id, request.query.of);
    if (!receipt) throw CommonErrors.conflict('the registration is still pending; ask again in a moment', { key: 'license.grant_state', params: { id: request.params.id, status: 'pending' } });
    return reply.type('application/json').header('content-disposition', `attachment; filename="wenyuan-grant-${request.params.id}-receipt.json"`).send(JSON.stringify(receipt));
  });
  api.get('/grants/:id/status', { schema: { tags, params: idParams, querystring: sha256Query, description: 'Public: whether a grant is valid, expired or revoked, for whoever holds its id and agreement hash (the certificate’s QR code).', response: { 200: grantPublicStatusSchema } } }, async (request) =>
    orders.publicStatus(request.params.id, request.query.sha256),
  );
  api.post('/grants/:id/copy', { preValidation: requireUser, schema: { tags, params: idParams, description: 'The licensed copy: a JPEG whose invisible watermark names this grant.', response: { 200: mediaResponse('The marked JPEG; its serial is in the x-wenyuan-copy-serial header.', ['image/jpeg']) } } }, async (request, reply) => {
    const copy = await orders.copy(request.actor, request.params.id);
    return reply
      .type(copy.mediaType)
      .header('content-disposition', `attachment; filename="${copy.fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(copy.fileName)}`)
      .header('cache-control', 'no-store')
      .send(copy.data);
  });
  api.post('/grants/:id/revoke', { preValidation: requireUser, preHandler: rightHolders, schema: { tags, params: idParams, body: z.object({ reason: z.string().trim().min(1).max(2000) }).strict(), description: 'Revokes a grant; the revocation goes into the transparency log.', response: { 200: grantSchema } } }, async (request) =>
    orders.revoke(request.actor, request.params.id, request.body.reason),
  );

  // Ledger

  api.get('/ledger/balances', { preValidation: requireUser, preHandler: staff, schema: { tags, description: 'The trial balance: every account; each currency sums to zero.', response: { 200: trialBalanceSchema } } }, async (request) => royalties.trialBalance(request.actor));
  api.get('/ledger/statements/:id', { preValidation: requireUser, schema: { tags, params: idParams, querystring: statementQuerySchema, description: 'A party’s royalty statement for [from, to): opening balance, lines, totals.', response: { 200: statementSchema } } }, async (request) =>
    royalties.statement(request.actor, request.params.id, request.query),
  );
  api.get(
    '/ledger/statements/:id/statement.csv',
    { preValidation: requireUser, schema: { tags, params: idParams, querystring: statementQuerySchema.extend({ lang: z.enum(['zh-Hans', 'en']).default('zh-Hans') }), description: 'The same statement as CSV (UTF-8 with BOM, headers in zh or en), for a spreadsheet.', response: { 200: mediaResponse('The statement as CSV.', ['text/csv']) } } },
    async (request, reply) => {
      const { lang, ...period } = request.query;
      const csv = await royalties.statementCsv(request.actor, request.params.id, { ...period, lang });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="wenyuan-statement-${request.params.id}-${period.from.slice(0, 10)}.csv"`).send(csv);
    },
  );
  api.get('/ledger/settlements', { preValidation: requireUser, preHandler: staff, schema: { tags, response: { 200: settlementListSchema } } }, async (request) => ({ items: await royalties.listSettlements(request.actor) }));
  api.post('/ledger/settlements', { preValidation: requireUser, preHandler: staff, schema: { tags, body: settlementInputSchema, description: 'Pays every party what it is owed up to a date; the batch’s hash goes into the log.', response: { 201: settlementSchema } } }, async (request, reply) =>
    reply.status(201).send(await royalties.settle(request.actor, request.body)),
  );
}
