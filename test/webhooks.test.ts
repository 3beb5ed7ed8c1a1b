import {
  BookDocument,
  CancelBookingDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  ModifyBookingDocument,
  ProposeDocument,
  RedeliverWebhookDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from '../client/generated/graphql';
import {
  createService,
  dailySlots,
  daysFromNow,
  jobsSettled,
  logInAdmin,
  rescheduleJobs,
  runJobsNow,
  serviceWithSlots,
  signUp,
  type Account,
} from './support/fixtures';
import { docBlocks } from './support/docs';
import { Receiver, verified } from './support/receiver';
import { codes, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let receiver: Receiver;
let owner: Account;
let customer: Account;

beforeAll(async () => {
  receiver = await Receiver.start();
  server = await startTestServer({ webhooks: { allowHttp: true, timeoutMs: 1_000 } });
  [owner, customer] = await Promise.all([signUp(server, 'PROVIDER'), signUp(server, 'CUSTOMER')]);
});
afterAll(async () => {
  await server.stop();
  await receiver.stop();
});

beforeEach(() => {
  receiver.answer = 200;
});

async function endpoint(events: string[], who: Account = owner, path = '/hook') {
  const { createWebhookEndpoint } = await server.ok(
    CreateWebhookEndpointDocument,
    { url: receiver.url(path), events },
    who.token,
  );
  return createWebhookEndpoint;
}

async function deliveries(endpointId: string, who: Account = owner) {
  await jobsSettled(server, ['deliver_webhook']);
  return (await server.ok(WebhookDeliveriesDocument, { endpointId }, who.token)).webhookDeliveries;
}

async function slotsOf(provider: Account, input: Parameters<typeof createService>[2] = {}) {
  const service = await createService(server, provider, input);
  return dailySlots(server, provider, service.id, daysFromNow(5), daysFromNow(8));
}

const book = (slotId: string, adults = 1, who: Account = customer) =>
  server.request(BookDocument, { input: { slotIds: [slotId], party: { adults } } }, who.token);

describe('outgoing webhooks', () => {
  it('POST each subscribed event, signed, once the change commits; a refused change sends nothing', async () => {
    const { endpoint: hook, secret } = await endpoint(['booking.created', 'booking.cancelled']);
    expect(hook).toMatchObject({
      url: receiver.url('/hook'),
      events: ['booking.created', 'booking.cancelled'],
      active: true,
    });
    expect(secret).toMatch(/^whsec_/);
    expect((await server.ok(WebhookEndpointsDocument, {}, owner.token)).webhookEndpoints.map((e) => e.id)).toEqual([
      hook.id,
    ]);
    const stored = await server.sql<{ secret: string }>('select secret from webhook_endpoint where id = $1', [hook.id]);
    expect(stored[0].secret).toBe(`plain:${secret}`); // no WEBHOOK_ENCRYPTION_KEY in this server

    const slots = await slotsOf(owner, { capacity: 2 });
    const seen = receiver.received.length;
    const { data } = await book(slots[0].id, 2);
    const [first] = (await receiver.requests(seen + 1)).slice(seen);
    expect(first.headers['content-type']).toBe('application/json');
    // Standard Webhooks: the standardwebhooks package verifies it with the secret as given, as the API guide's receiver does.
    expect(verified(secret, first)).toBe(true);
    const [guideReceiver] = docBlocks('docs/api-guide.md', 'Webhooks', 'js');
    const receive = new Function('require', `${guideReceiver}; return receive;`)(require);
    expect(receive(secret, first.headers, first.body)).toEqual(JSON.parse(first.body));
    expect(() => receive(secret, first.headers, first.body.replace('booking', 'b00king'))).toThrow();
    expect(verified(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, first)).toBe(false);
    const event = JSON.parse(first.body);
    expect(first.headers).toMatchObject({
      'webhook-id': event.id,
      'webhook-timestamp': expect.stringMatching(/^\d+$/),
      'webhook-signature': expect.stringMatching(/^v1,/),
    });
    expect(event).toMatchObject({ id: expect.any(String), type: 'booking.created', createdAt: expect.any(String) });
    expect(event.data).toMatchObject({
      action: 'booking.created',
      booking: { id: data!.book.id, reference: data!.book.reference, status: 'CONFIRMED', slotIds: [slots[0].id] },
    });

    // Refused before anything is written, or at the seat write by a twin (whose statement carried the delivery): nothing is queued.
    expect(codes(await book(slots[0].id))).toEqual(['CAPACITY_EXCEEDED']);
    const race = await Promise.all(Array.from({ length: 6 }, () => book(slots[1].id, 2)));
    expect(race.filter((result) => result.data?.book).length).toBe(1);
    // Not subscribed: a modification is booking.changed.
    await server.ok(ModifyBookingDocument, { id: data!.book.id, input: { party: { adults: 1 } } }, customer.token);
    await server.ok(CancelBookingDocument, { id: data!.book.id }, customer.token);
    const log = await deliveries(hook.id);
    expect(log.map((d) => [d.event, d.status, d.attempts, d.responseStatus])).toEqual([
      ['booking.cancelled', 'DELIVERED', 1, 200],
      ['booking.created', 'DELIVERED', 1, 200],
      ['booking.created', 'DELIVERED', 1, 200],
    ]);
    expect(log[2]).toMatchObject({
      eventId: event.id,
      deliveredAt: expect.any(String),
      attemptLog: [{ responseStatus: 200, error: null }],
    });
    expect(receiver.received.length).toBe(seen + 3);
    expect(JSON.parse(receiver.received[seen + 2].body)).toMatchObject({
      type: 'booking.cancelled',
      data: { action: 'booking.cancelled', booking: { status: 'CANCELLED' } },
    });
    await server.ok(DeleteWebhookEndpointDocument, { id: hook.id }, owner.token);
  });

  it('keep signing for an endpoint registered before Standard Webhooks, verifiable with its secret in base64', async () => {
    const { endpoint: hook } = await endpoint(['booking.created'], owner, '/old');
    const bytes = Buffer.from('a secret from the older releases!', 'utf8').subarray(0, 32);
    const before = `whsec_${bytes.toString('base64url')}`; // as secrets were written then (base64url)
    await server.sql('update webhook_endpoint set secret = $1 where id = $2', [`plain:${before}`, hook.id]);
    const slots = await slotsOf(owner);
    const seen = receiver.received.length;
    await book(slots[0].id);
    const [delivery] = (await receiver.requests(seen + 1)).slice(seen);
    expect(verified(`whsec_${bytes.toString('base64')}`, delivery)).toBe(true); // the API guide's conversion
    await server.ok(DeleteWebhookEndpointDocument, { id: hook.id }, owner.token);
  });

  it('retry a failing receiver with growing waits, log every attempt, fail after the last, and redeliver on demand', async () => {
    const { endpoint: hook } = await endpoint(['booking.created']);
    const slots = await slotsOf(owner);
    receiver.answer = 500;
    await book(slots[0].id);
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      responseStatus: 500,
      lastError: 'HTTP 500: not now',
    });
    const [job] = await server.sql<{ max_attempts: number; wait: number }>(
      `select max_attempts, extract(epoch from run_at - now())::float as wait from graphile_worker.jobs where key = $1`,
      [`webhook-delivery:${failed.id}`],
    );
    expect(job.max_attempts).toBe(21);
    expect(job.wait).toBeGreaterThan(0);
    expect(job.wait).toBeLessThan(5); // e^1 seconds after the first failure

    receiver.answer = 200;
    await runJobsNow(server, 'deliver_webhook');
    const [delivered] = await deliveries(hook.id);
    expect(delivered).toMatchObject({
      id: failed.id,
      status: 'DELIVERED',
      attempts: 2,
      responseStatus: 200,
      lastError: null,
    });
    expect(delivered.attemptLog.map((attempt) => attempt.responseStatus)).toEqual([500, 200]);

    // The last of 21 attempts fails: the delivery is FAILED and stays so.
    receiver.answer = 503;
    await book(slots[1].id);
    const [pending] = await deliveries(hook.id);
    const jobKey = `webhook-delivery:${pending.id}`;
    const [{ max_attempts }] = await server.sql<{ max_attempts: number }>(
      'select max_attempts from graphile_worker.jobs where key = $1',
      [jobKey],
    );
    await rescheduleJobs(server.databaseUrl, { keys: [jobKey] }, { attempts: max_attempts - 1 });
    await runJobsNow(server, 'deliver_webhook');
    const [gaveUp] = await deliveries(hook.id);
    expect(gaveUp).toMatchObject({ id: pending.id, status: 'FAILED', attempts: 2, responseStatus: 503 });

    receiver.answer = 200;
    const { redeliverWebhook } = await server.ok(RedeliverWebhookDocument, { deliveryId: gaveUp.id }, owner.token);
    expect(redeliverWebhook).toMatchObject({ status: 'PENDING', eventId: gaveUp.eventId, event: 'booking.created' });
    const [again] = await deliveries(hook.id);
    expect(again).toMatchObject({ id: redeliverWebhook.id, status: 'DELIVERED', attempts: 1 });
    const bodies = receiver.received.slice(-2).map((request) => JSON.parse(request.body));
    expect(bodies[1]).toEqual(bodies[0]); // the same event, byte for byte the same body
    await server.ok(DeleteWebhookEndpointDocument, { id: hook.id }, owner.token);
  });

  it('redeliver on demand as one pending delivery per event and endpoint, with 5 attempts, at most 20 asks an hour', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const { endpoint: hook } = await endpoint(['booking.created'], provider, '/redelivered');
    const [slot] = await slotsOf(provider);
    await book(slot.id);
    const [delivered] = await deliveries(hook.id, provider);
    expect(delivered.status).toBe('DELIVERED');

    receiver.answer = 500;
    const before = receiver.received.length;
    const asks = await Promise.all(
      Array.from({ length: 30 }, () =>
        server.request(RedeliverWebhookDocument, { deliveryId: delivered.id }, provider.token),
      ),
    );
    const answered = asks.filter((ask) => !ask.errors);
    expect(answered).toHaveLength(20);
    expect(asks.filter((ask) => codes(ask).join() === 'RATE_LIMITED')).toHaveLength(10);
    // Thirty asks at once: one new delivery, which every answer names.
    const ids = new Set(answered.map((ask) => ask.data!.redeliverWebhook.id));
    expect(ids.size).toBe(1);
    const [again] = ids;
    const [job] = await server.sql<{ max_attempts: number }>(
      'select max_attempts from graphile_worker.jobs where key = $1',
      [`webhook-delivery:${again}`],
    );
    expect(job.max_attempts).toBe(5);
    const list = await deliveries(hook.id, provider);
    expect(list.map((delivery) => delivery.id).sort()).toEqual([delivered.id, again].sort());
    const redelivery = list.find((delivery) => delivery.id === again)!;
    expect(redelivery.status).toBe('PENDING');
    // Every POST since is an attempt of that one delivery.
    expect(receiver.received.length - before).toBe(redelivery.attempts);
    await server.ok(DeleteWebhookEndpointDocument, { id: hook.id }, provider.token);
  });

  it('let no hung or endless receiver hold a worker, and switch off an endpoint that answers 410 Gone', async () => {
    const { endpoint: hook } = await endpoint(['booking.created']);
    const slots = await slotsOf(owner);
    receiver.answer = 'hang';
    await book(slots[0].id);
    const [hung] = await deliveries(hook.id);
    expect(hung).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      responseStatus: null,
      lastError: 'no answer within 1000 ms',
    });

    receiver.answer = 'endless';
    await runJobsNow(server, 'deliver_webhook');
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'DELIVERED', responseStatus: 200 });
    receiver.answer = 'stall'; // headers, then nothing: the time-out ends the read, and the 200 stands
    await book(slots[3].id);
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'DELIVERED', responseStatus: 200 });

    receiver.answer = 410;
    await book(slots[1].id);
    const [gone] = await deliveries(hook.id);
    expect(gone).toMatchObject({ status: 'FAILED', attempts: 1, responseStatus: 410 });
    expect((await server.ok(WebhookEndpointsDocument, {}, owner.token)).webhookEndpoints).toEqual([
      expect.objectContaining({ id: hook.id, active: false }),
    ]);
    await book(slots[2].id);
    expect(await deliveries(hook.id)).toHaveLength(3); // nothing more is queued for it
    expect(codes(await server.request(RedeliverWebhookDocument, { deliveryId: gone.id }, owner.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
    await server.ok(DeleteWebhookEndpointDocument, { id: hook.id }, owner.token);
  });

  it("keep each provider's endpoints its own, while an admin's receive every provider's events", async () => {
    const admin = await logInAdmin(server);
    const rival = await signUp(server, 'PROVIDER');
    const { endpoint: mine } = await endpoint(['proposal.changed', 'booking.created']);
    const { endpoint: everything } = await endpoint(['proposal.changed'], admin, '/admin');

    expect((await server.ok(WebhookEndpointsDocument, {}, rival.token)).webhookEndpoints).toEqual([]);
    expect((await server.ok(WebhookEndpointsDocument, {}, admin.token)).webhookEndpoints.map((e) => e.id)).toEqual(
      expect.arrayContaining([mine.id, everything.id]),
    );
    expect(codes(await server.request(WebhookDeliveriesDocument, { endpointId: mine.id }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(DeleteWebhookEndpointDocument, { id: mine.id }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await server.request(WebhookEndpointsDocument, {}, customer.token))).toEqual(['FORBIDDEN']);
    expect(codes(await server.request(WebhookDeliveriesDocument, { endpointId: '999999' }, owner.token))).toEqual([
      'NOT_FOUND',
    ]);

    // A proposal on the owner's service reaches the owner's endpoint and the admin's; a booking on the rival's service neither.
    const {
      service,
      slots: [slot],
    } = await serviceWithSlots(server, owner, { bookingMode: 'APPROVAL' });
    const { propose } = await server.ok(
      ProposeDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    const rivalSlots = await slotsOf(rival);
    await book(rivalSlots[0].id);
    const [toOwner] = await deliveries(mine.id);
    expect(toOwner).toMatchObject({ event: 'proposal.changed', status: 'DELIVERED' });
    const [toAdmin] = await deliveries(everything.id, admin);
    expect(toAdmin).toMatchObject({ event: 'proposal.changed', eventId: toOwner.eventId, status: 'DELIVERED' });
    expect(codes(await server.request(RedeliverWebhookDocument, { deliveryId: toOwner.id }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);
    const sent = receiver.received.find((request) => JSON.parse(request.body).id === toOwner.eventId)!;
    expect(JSON.parse(sent.body).data).toEqual({
      kind: 'received',
      proposal: { id: propose.id, status: 'PENDING', serviceId: service.id, customerId: customer.userId },
    });
    expect(await deliveries(mine.id)).toHaveLength(1); // the rival's booking is not the owner's business
    await server.ok(DeleteWebhookEndpointDocument, { id: everything.id }, admin.token);
    await server.ok(DeleteWebhookEndpointDocument, { id: mine.id }, owner.token);
  });

  it('refuse unknown events and bad receivers, naming the field', async () => {
    const refused = await server.request(
      CreateWebhookEndpointDocument,
      { url: receiver.url(), events: ['booking.created', 'booking.exploded'] },
      owner.token,
    );
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    const empty = await server.request(CreateWebhookEndpointDocument, { url: receiver.url(), events: [] }, owner.token);
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    for (const url of ['not a url', 'ftp://example.com/hook', 'https://user:pass@example.com/hook']) {
      const bad = await server.request(
        CreateWebhookEndpointDocument,
        { url, events: ['booking.created'] },
        owner.token,
      );
      expect([url, bad.errors?.[0].extensions]).toEqual([
        url,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'url' }),
      ]);
    }
    expect((await server.ok(WebhookEndpointsDocument, {}, owner.token)).webhookEndpoints).toEqual([]);
  });
});
