/**
 * The payment port: how the money for an approved order arrives and is recorded.
 *
 * Built in: `bank-transfer` — the invoice names the amount and its number as the transfer's reference;
 * someone who manages the work (or a curator), never the licensee, confirms the transfer with its
 * amount, currency and bank reference (`POST /api/orders/:id/payment`, `OrderService.confirmPayment`).
 * This is how county centres are paid today, and it needs no contract with anyone.
 *
 * An online provider (Alipay, WeChat Pay, UnionPay, Stripe, …) plugs in as one more implementation:
 *   1. `start(order)` creates the provider's payment for the invoice (amount in minor units, currency,
 *      the invoice number as the merchant reference; idempotent on the invoice number) and returns where
 *      the licensee is sent (a redirect URL or a QR-code payload);
 *   2. the provider's webhook route (one per provider, under `/api/payments/<provider>/webhook`) checks
 *      the provider's signature over the raw body before parsing it, and turns a "paid" event into a
 *      `ConfirmedPayment` with the provider's transaction id as `reference`;
 *   3. the route calls `OrderService.recordPayment(provider, payment)`, which books exactly as a manual
 *      confirmation does: the order must be approved, amount and currency must equal the invoice, and the
 *      payment row is unique per order — a webhook delivered twice changes nothing the second time.
 * Refunds go the other way through the same port (`refund(order, reference)`) and are booked as
 * reversing postings; none is offered by the built-in provider.
 */
export interface PaymentProvider {
  /** Stored with each payment (`license_payments.provider`). */
  readonly id: string;
  /** Where the licensee pays an approved order: instructions, a redirect, or a QR payload. */
  start(order: PayableOrder): Promise<PaymentStart>;
}

export interface PayableOrder {
  orderId: string;
  invoiceNumber: string;
  /** Integer minor units of `currency`. */
  amount: number;
  currency: string;
}

export type PaymentStart =
  | { kind: 'instructions'; reference: string }
  | { kind: 'redirect'; url: string }
  | { kind: 'qr'; payload: string };

/** A payment a provider reports as received (or a person confirms). */
export interface ConfirmedPayment {
  amount: number;
  currency: string;
  /** The provider's transaction id, or the bank transfer's reference. */
  reference: string | null;
}

/** The built-in provider: pay by bank transfer quoting the invoice number; a person confirms it. */
export const BANK_TRANSFER: PaymentProvider = {
  id: 'bank-transfer',
  start: async (order) => ({ kind: 'instructions', reference: order.invoiceNumber }),
};
