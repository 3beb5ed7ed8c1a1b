import type Stripe from 'stripe';
import { print } from 'graphql';
import {
  AuditTrailDocument,
  BookDocument,
  BookingDiscountDocument,
  CancelBookingDocument,
  CreatePromoCodeDocument,
  CreateWebhookEndpointDocument,
  DeactivatePromoCodeDocument,
  ModifyBookingDocument,
  PromoCodesDocument,
  UpdatePromoCodeDocument,
  type PromoCodeInput,
} from '../client/generated/graphql';
import type { FakeStripe } from './support/fake-stripe';
import { Receiver, verified } from './support/receiver';
import {
  createService,
  intentOf,
  jobsSettled,
  logInAdmin,
  serviceWithSlots,
  signUp,
  startWithStripe,
  stopAll,
  type Account,
} from './support/fixtures';
import { codes, type GraphQLResult, type TestServer } from './support/server';

let stripe: FakeStripe;
let receiver: Receiver;
let server: TestServer;
let owner: Account;
let customer: Account;
let codeCount = 0;

beforeAll(async () => {
  receiver = await Receiver.start();
  ({ stripe, server, owner, customer } = await startWithStripe({
    stripe: { timeoutMs: 300 },
    webhooks: { allowHttp: true, timeoutMs: 1_000 },
  }));
});
afterAll(() => stopAll(server, stripe, receiver));

/** A service (40.00 a seat unless told) with one slot 5 days ahead. */
async function oneSlot(input: Record<string, unknown> = {}) {
  const { service, slots } = await serviceWithSlots(server, owner, { priceAmount: '40.00', capacity: 30, ...input });
  return { service, slot: slots[0] };
}

/** A new promo code of the owner's, with a fresh code. */
async function promo(input: Partial<PromoCodeInput>) {
  codeCount += 1;
  const { createPromoCode } = await server.ok(
    CreatePromoCodeDocument,
    { input: { code: `SAVE-${codeCount}-${Date.now() % 100_000}`, kind: 'PERCENT', value: '10', ...input } },
    owner.token,
  );
  return createPromoCode;
}

/** `book` over HTTP as it arrives: the status and the body. */
async function bookRaw(token: string, input: Record<string, unknown>) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(BookDocument), variables: { input } }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResult<{ book: { id: string } }> };
}

const priceOf = async (id: string, who: Account = customer) =>
  (await server.ok(BookingDiscountDocument, { id }, who.token)).booking!;

const usesOf = async (id: string) =>
  Number((await server.sql<{ uses: number }>('select uses from promo_code where id = $1', [id]))[0].uses);

async function deliver(...events: Stripe.Event[]): Promise<void> {
  for (const event of events) expect((await stripe.deliver(server.url, event)).status).toBe(200);
  await jobsSettled(server);
}

describe('a promo code is counted exactly', () => {
  it('applies a code limited to 5 to exactly 5 of 20 truly concurrent bookings; the others book nothing', async () => {
    const { service, slot } = await oneSlot();
    const code = await promo({ serviceId: service.id, maxUses: 5 });
    const customers = await Promise.all(Array.from({ length: 20 }, () => signUp(server, 'CUSTOMER')));
    const results = await Promise.all(
      customers.map((c) => bookRaw(c.token, { slotIds: [slot.id], party: { adults: 1 }, promoCode: code.code })),
    );
    expect(results.every((result) => result.status === 200)).toBe(true);
    const booked = results.filter((result) => !result.body.errors);
    expect(booked).toHaveLength(5);
    for (const refused of results.filter((result) => result.body.errors)) {
      expect(refused.body.errors![0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'promoCode',
        rule: 'USED_UP',
      });
    }
    expect(await usesOf(code.id)).toBe(5);
    const [row] = await server.sql<{ bookings: string; discounted: string; booked: number }>(
      `select count(*) as bookings, count(*) filter (where discount > 0) as discounted,
              (select booked from slot where id = $1) as booked
         from booking b join booking_slot bs on bs.booking_id = b.id where bs.slot_id = $1`,
      [slot.id],
    );
    expect(row).toEqual({ bookings: '5', discounted: '5', booked: 5 });
  });
});

describe('money rules of a discount', () => {
  it.each([
    // [what, price, tax rate, party, code kind, value, subtotal, tax, discount, total]
    ['10% of subtotal + tax', '40.00', 0.1, 2, 'PERCENT', '10', '80.00', '8.00', '8.80', '79.20'],
    ['15% rounded half-up to the cent', '33.33', 0.22, 1, 'PERCENT', '15', '33.33', '7.33', '6.10', '34.56'],
    ['100% leaves nothing to pay', '40.00', 0.1, 1, 'PERCENT', '100', '40.00', '4.00', '44.00', '0.00'],
    ['a fixed amount', '40.00', 0.1, 2, 'FIXED', '5.00', '80.00', '8.00', '5.00', '83.00'],
    [
      'a fixed amount larger than the price takes the price, never less than zero',
      '40.00',
      0.1,
      1,
      'FIXED',
      '100.00',
      '40.00',
      '4.00',
      '44.00',
      '0.00',
    ],
    ['a fixed amount without tax', '25.00', 0, 3, 'FIXED', '7.50', '75.00', '0.00', '7.50', '67.50'],
  ])('%s', async (_what, price, taxRate, adults, kind, value, subtotal, tax, discount, total) => {
    const { service, slot } = await oneSlot({ priceAmount: price, taxRate });
    const code = await promo({ kind: kind as 'PERCENT' | 'FIXED', value });
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults }, promoCode: code.code.toLowerCase() } },
      customer.token,
    );
    expect(book.status).toBe('CONFIRMED');
    const { price: shown } = await priceOf(book.id);
    expect(shown).toEqual({
      subtotal: { amount: subtotal },
      discount: { amount: discount },
      tax: { amount: tax },
      total: { amount: total, currency: 'EUR' },
      discounts: [
        {
          code: code.code,
          kind,
          percentOff: kind === 'PERCENT' ? Number(value) : null,
          amount: { amount: discount, currency: 'EUR' },
        },
      ],
    });
    expect(service.id).toBeDefined();
  });

  it('a paid booking the code makes free is confirmed at once, without a card payment', async () => {
    const { slot } = await oneSlot({ requiresPayment: true });
    const code = await promo({ kind: 'FIXED', value: '50.00' });
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 }, promoCode: code.code } },
      customer.token,
    );
    expect(book).toMatchObject({ status: 'CONFIRMED', price: { total: { amount: '0.00' } } });
    expect(await server.sql('select 1 from booking where id = $1 and payment_id is null', [book.id])).toHaveLength(1);
  });

  it('keeps the code as agreed: editing or deactivating it later changes no booking, and a change of the booking reprices with the agreed code', async () => {
    const { slot } = await oneSlot({ taxRate: 0 });
    const code = await promo({ kind: 'PERCENT', value: '10' });
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 3 }, promoCode: code.code } },
      customer.token,
    );
    expect((await priceOf(book.id)).price.total.amount).toBe('108.00');
    await server.ok(UpdatePromoCodeDocument, { id: code.id, input: { value: '50' } }, owner.token);
    await server.ok(DeactivatePromoCodeDocument, { id: code.id }, owner.token);
    expect((await priceOf(book.id)).price).toMatchObject({
      discount: { amount: '12.00' },
      total: { amount: '108.00' },
      discounts: [{ percentOff: 10 }],
    });
    await server.ok(ModifyBookingDocument, { id: book.id, input: { party: { adults: 2 } } }, customer.token);
    expect((await priceOf(book.id)).price).toMatchObject({
      subtotal: { amount: '80.00' },
      discount: { amount: '8.00' },
      total: { amount: '72.00' },
    });
  });

  it('pays and refunds what was paid: a discounted booking cancelled by the provider gives back its discounted total', async () => {
    const { slot } = await oneSlot({ requiresPayment: true, taxRate: 0.1, cutoffHours: 24 });
    const code = await promo({ kind: 'PERCENT', value: '10' });
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 2 }, promoCode: code.code } },
      customer.token,
    );
    expect(book.status).toBe('PENDING_PAYMENT');
    const intentId = await intentOf(server, book.id);
    expect(stripe.calls(/^\/v1\/payment_intents$/).at(-1)!.params.amount).toBe('7920');
    await deliver(stripe.settle(intentId, 'succeeded'));
    await server.ok(CancelBookingDocument, { id: book.id, reason: 'Storm' }, owner.token);
    await jobsSettled(server);
    expect(
      stripe
        .distinctCalls(/^\/v1\/refunds$/)
        .filter((call) => call.params.payment_intent === intentId)
        .map((call) => call.params.amount),
    ).toEqual(['7920']);
    // A paid booking keeps its use when cancelled afterwards.
    expect(await usesOf(code.id)).toBe(1);
  });

  it('gives the use back when an unpaid hold is cancelled, so another customer can use the last one', async () => {
    const { slot } = await oneSlot({ requiresPayment: true });
    const code = await promo({ maxUses: 1 });
    const other = await signUp(server, 'CUSTOMER');
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 }, promoCode: code.code } },
      customer.token,
    );
    const refused = await bookRaw(other.token, { slotIds: [slot.id], party: { adults: 1 }, promoCode: code.code });
    expect(refused.body.errors![0].extensions).toMatchObject({ field: 'promoCode', rule: 'USED_UP' });
    await server.ok(CancelBookingDocument, { id: book.id }, customer.token);
    expect(await usesOf(code.id)).toBe(0);
    expect(
      (await bookRaw(other.token, { slotIds: [slot.id], party: { adults: 1 }, promoCode: code.code })).body.errors,
    ).toBeUndefined();
    expect(await usesOf(code.id)).toBe(1);
  });
});

describe('refusals name promoCode and change nothing', () => {
  it('refuses an unknown, inactive, expired, not yet valid, used-up code and one for another service', async () => {
    const { service, slot } = await oneSlot();
    const other = await createService(server, owner);
    const now = Date.now();
    const cases: [string, Partial<PromoCodeInput> | string][] = [
      ['UNKNOWN', 'NO-SUCH-CODE'],
      ['UNKNOWN', '%%'],
      ['INACTIVE', { active: false }],
      ['EXPIRED', { validUntil: new Date(now - 60_000).toISOString() }],
      ['NOT_YET_VALID', { validFrom: new Date(now + 3_600_000).toISOString() }],
      ['NOT_FOR_SERVICE', { serviceId: other.id }],
    ];
    const before = await server.sql('select count(*) from booking');
    for (const [rule, made] of cases) {
      const code = typeof made === 'string' ? made : (await promo(made)).code;
      const { status, body } = await bookRaw(customer.token, {
        slotIds: [slot.id],
        party: { adults: 1 },
        promoCode: code,
      });
      expect(status).toBe(200);
      expect(codes(body)).toEqual(['BAD_USER_INPUT']);
      expect(body.errors![0].extensions).toMatchObject({ field: 'promoCode', rule });
      expect(body.errors![0].message).toMatch(/^promoCode: /);
    }
    expect(await server.sql('select count(*) from booking')).toEqual(before);
    expect(service.id).toBeDefined();
  });

  it.each([
    ['code', { code: 'a' }],
    ['value', { kind: 'PERCENT', value: '120' }],
    ['value', { kind: 'PERCENT', value: '0' }],
    ['value', { kind: 'FIXED', value: '5.123' }],
    ['validUntil', { validFrom: '2030-01-02T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }],
    ['maxUses', { maxUses: 0 }],
  ])('refuses a promo code with a bad %s', async (field, input) => {
    const result = await server.request(
      CreatePromoCodeDocument,
      { input: { code: 'GOOD-ONE', kind: 'PERCENT', value: '10', ...(input as Partial<PromoCodeInput>) } },
      owner.token,
    );
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('managing promo codes', () => {
  it('lists, updates and deactivates a code, keeps its audit trail, and lets nobody else change it', async () => {
    const { service } = await oneSlot();
    const { createWebhookEndpoint } = await server.ok(
      CreateWebhookEndpointDocument,
      { url: receiver.url('/promo'), events: ['promo_code.changed'] },
      owner.token,
    );
    const code = await promo({ serviceId: service.id, maxUses: 3 });
    const listed = (await server.ok(PromoCodesDocument, { serviceId: service.id }, owner.token)).promoCodes;
    expect(listed.map((item) => item.id)).toContain(code.id);
    const { updatePromoCode } = await server.ok(
      UpdatePromoCodeDocument,
      { id: code.id, input: { kind: 'FIXED', value: '4.50', maxUses: null } },
      owner.token,
    );
    expect(updatePromoCode).toMatchObject({ kind: 'FIXED', amountOff: '4.5', percentOff: null, maxUses: null });
    const { deactivatePromoCode } = await server.ok(DeactivatePromoCodeDocument, { id: code.id }, owner.token);
    expect(deactivatePromoCode.active).toBe(false);

    const stranger = await signUp(server, 'PROVIDER');
    const forbidden = await server.request(DeactivatePromoCodeDocument, { id: code.id }, stranger.token);
    expect(codes(forbidden)).toEqual(['FORBIDDEN']);
    expect((await server.ok(PromoCodesDocument, {}, stranger.token)).promoCodes).toEqual([]);
    const duplicate = await server.request(
      CreatePromoCodeDocument,
      { input: { code: code.code.toLowerCase(), kind: 'PERCENT', value: '5' } },
      owner.token,
    );
    expect(duplicate.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });

    // The provider's endpoint heard each change, signed; the stranger's failed change sent nothing.
    const heard = await receiver.requests(3);
    expect(heard.every((request) => verified(createWebhookEndpoint.secret, request))).toBe(true);
    expect(heard.map((request) => JSON.parse(request.body))).toEqual(
      ['promo_code.created', 'promo_code.updated', 'promo_code.deactivated'].map((action) =>
        expect.objectContaining({
          type: 'promo_code.changed',
          data: expect.objectContaining({
            action,
            promoCode: expect.objectContaining({ id: code.id, code: code.code, serviceId: service.id }),
          }),
        }),
      ),
    );

    const admin = await logInAdmin(server);
    const { auditTrail } = await server.ok(AuditTrailDocument, { subject: 'PROMO_CODE', id: code.id }, admin.token);
    expect(auditTrail.map((entry) => entry.action)).toEqual([
      'promo_code.created',
      'promo_code.updated',
      'promo_code.deactivated',
    ]);
  });
});
