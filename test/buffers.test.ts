import {
  AvailabilityChangedDocument,
  BookDocument,
  CancelBookingDocument,
  CreateServiceDocument,
  CreateSlotDocument,
  ModifyBookingDocument,
  SlotsDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { SERVICE, createService, expectMonthAsSlots, signUp, type Account } from './support/fixtures';
import { Subscription, eventually, liveClient } from './support/live';
import { serverMetric, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let provider: Account;
let customers: Account[];
const DAY = 86_400_000;
const MINUTE = 60_000;
/** A whole UTC hour some days ahead: every slot of these tests starts from it. */
const base = new Date(Math.ceil((Date.now() + 5 * DAY) / 3_600_000) * 3_600_000);
const at = (minutes: number) => new Date(base.getTime() + minutes * MINUTE).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  provider = await signUp(server, 'PROVIDER', 'Dr Who');
  customers = await Promise.all([1, 2, 3].map((n) => signUp(server, 'CUSTOMER', `Customer ${n}`)));
});
afterAll(() => server.stop());

async function slot(serviceId: string, startMinutes: number, minutes: number): Promise<string> {
  const { createSlot } = await server.ok(
    CreateSlotDocument,
    { serviceId, startsAt: at(startMinutes), endsAt: at(startMinutes + minutes) },
    provider.token,
  );
  return createSlot.id;
}

async function available(serviceId: string): Promise<Record<string, number>> {
  const { slots } = await server.ok(SlotsDocument, { serviceId, from: at(-24 * 60), to: at(10 * 24 * 60) });
  return Object.fromEntries(slots.map((s) => [s.id, s.available]));
}

const book = (customer: Account, slotId: string) =>
  server.request(BookDocument, { input: { slotIds: [slotId], party: { adults: 1 } } }, customer.token);

describe("a provider's time across its appointment services", () => {
  let consult: string;
  let demo: string;
  let tour: string;
  beforeAll(async () => {
    consult = (
      await createService(server, provider, {
        name: 'Consultation',
        capacity: 1,
        durationMinutes: 30,
        bufferAfterMinutes: 15,
      })
    ).id;
    demo = (
      await createService(server, provider, { name: 'Demo', capacity: 1, durationMinutes: 60, bufferBeforeMinutes: 5 })
    ).id;
    tour = (await createService(server, provider, { name: 'Group tour', capacity: 10, durationMinutes: 60 })).id;
  });

  it('closes overlapping slots of the other services, widened by the buffers, and frees them on cancel', async () => {
    const c10 = await slot(consult, 0, 30);
    const d10 = await slot(demo, 0, 60); // overlaps the consultation itself
    const d40 = await slot(demo, 45, 60); // 10:45 less its 5-minute buffer falls in the consultation's 15 minutes after
    const d55 = await slot(demo, 50, 60); // 10:45 to 10:50: free, buffers added up
    const t10 = await slot(tour, 0, 60); // a group service is not the provider's appointment time
    const booked = await book(customers[0], c10);
    expect(booked.errors).toBeUndefined();
    expect(await available(demo)).toMatchObject({ [d10]: 0, [d40]: 0, [d55]: 1 });
    expect((await available(tour))[t10]).toBe(10);
    for (const service of [demo, tour]) await expectMonthAsSlots(server, service, at(0).slice(0, 7));

    const refused = await book(customers[1], d10);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'SLOT_UNAVAILABLE', reason: 'PROVIDER_BUSY' });
    expect((await book(customers[1], d40)).errors?.[0].extensions.code).toBe('SLOT_UNAVAILABLE');
    expect((await book(customers[1], t10)).errors).toBeUndefined();

    await server.ok(CancelBookingDocument, { id: booked.data!.book.id }, customers[0].token);
    expect(await available(demo)).toMatchObject({ [d10]: 1, [d40]: 1, [d55]: 1 });
    await expectMonthAsSlots(server, demo, at(0).slice(0, 7));
    expect(await server.sql('select * from provider_busy')).toHaveLength(0);
  });

  it('moves the taken time with a modified booking', async () => {
    const c1 = await slot(consult, 24 * 60, 30);
    const c2 = await slot(consult, 24 * 60 + 15, 30); // overlaps its own booking's old time
    const d1 = await slot(demo, 24 * 60, 60);
    const d2 = await slot(demo, 24 * 60 + 120, 60);
    const c3 = await slot(consult, 24 * 60 + 120, 30);
    const { book: booking } = await server.ok(
      BookDocument,
      { input: { slotIds: [c1], party: { adults: 1 } } },
      customers[0].token,
    );
    await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [c2] } }, customers[0].token);
    expect((await available(demo))[d1]).toBe(0);
    await server.ok(ModifyBookingDocument, { id: booking.id, input: { slotIds: [c3] } }, customers[0].token);
    expect(await available(demo)).toMatchObject({ [d1]: 1, [d2]: 0 });
    expect((await available(consult))[c1]).toBe(1);
  });

  it('never books the provider twice at once under truly concurrent requests', async () => {
    for (let round = 0; round < 12; round += 1) {
      const start = (3 + round) * 24 * 60;
      const [a, b] = await Promise.all([slot(consult, start, 30), slot(demo, start + 10, 60)]);
      const results = await Promise.all([book(customers[1], a), book(customers[2], b)]);
      const won = results.filter((result) => !result.errors);
      expect(won).toHaveLength(1);
      const lost = results.find((result) => result.errors)!;
      expect(lost.errors![0].extensions).toMatchObject({ code: 'SLOT_UNAVAILABLE' });
    }
    const overlaps = await server.sql(
      `select 1 from booking x join booking y on x.id < y.id join service sx on sx.id = x.service_id join service sy on sy.id = y.service_id
       where sx.provider_id = sy.provider_id and sx.capacity = 1 and sy.capacity = 1 and x.status in ('PENDING_PAYMENT', 'CONFIRMED')
       and y.status in ('PENDING_PAYMENT', 'CONFIRMED') and x.starts_at < y.ends_at and y.starts_at < x.ends_at`,
    );
    expect(overlaps).toEqual([]);
  });

  it("tells live calendars of the other services' slots a booking closes and frees", async () => {
    const c = await slot(consult, 20 * 24 * 60, 30);
    const d = await slot(demo, 20 * 24 * 60, 60);
    const before = await serverMetric(server.url, 'live_subscriptions_opened_total');
    const client = liveClient(server.url);
    const live = new Subscription(client, AvailabilityChangedDocument, { serviceIds: [demo] });
    try {
      await eventually(async () => (await serverMetric(server.url, 'live_subscriptions_opened_total')) > before);
      const { book: booking } = await server.ok(
        BookDocument,
        { input: { slotIds: [c], party: { adults: 1 } } },
        customers[0].token,
      );
      const [closed] = await live.waitFor(1);
      expect(closed.data?.availabilityChanged).toMatchObject({
        serviceId: demo,
        reason: 'CLOSED',
        slot: { id: d, available: 0 },
      });
      await server.ok(CancelBookingDocument, { id: booking.id }, customers[0].token);
      const [, opened] = await live.waitFor(2);
      expect(opened.data?.availabilityChanged).toMatchObject({
        serviceId: demo,
        reason: 'OPENED',
        slot: { id: d, available: 1 },
      });
    } finally {
      live.stop();
      await client.dispose();
    }
  });

  it('takes buffers from 0 to 1440 minutes and refuses others by name', async () => {
    for (const [input, field] of [
      [{ bufferBeforeMinutes: -1 }, 'bufferBeforeMinutes'],
      [{ bufferAfterMinutes: 1441 }, 'bufferAfterMinutes'],
    ] as const) {
      const result = await server.request(CreateServiceDocument, { input: { ...SERVICE, ...input } }, provider.token);
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const { updateService } = await server.ok(
      UpdateServiceDocument,
      { id: consult, input: { bufferBeforeMinutes: 10, bufferAfterMinutes: 0 } },
      provider.token,
    );
    expect(updateService).toMatchObject({ bufferBeforeMinutes: 10, bufferAfterMinutes: 0 });
  });
});
