import { print } from 'graphql';
import {
  BookDocument,
  BookingSeriesDocument,
  BookSeriesDocument,
  type BookSeriesInput,
  type BookSeriesMutation,
  CancelBookingSeriesDocument,
} from '../client/generated/graphql';
import { DateTime } from 'luxon';
import {
  createService,
  dailySlots,
  dstTransitions,
  serviceWithSlots,
  shiftDate,
  signUp,
  type Account,
} from './support/fixtures';
import { codes, startTestServer, type GraphQLResult, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customers: Account[];

beforeAll(async () => {
  server = await startTestServer();
  owner = await signUp(server, 'PROVIDER', 'Coach');
  customers = [];
  for (let i = 0; i < 8; i += 1) customers.push(await signUp(server, 'CUSTOMER'));
});
afterAll(async () => {
  await server?.stop();
});

/** `bookSeries` over HTTP: the status and the body. */
async function bookSeries(
  token: string,
  input: BookSeriesInput,
): Promise<{ status: number; body: GraphQLResult<BookSeriesMutation> }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(BookSeriesDocument), variables: { input } }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResult<BookSeriesMutation> };
}

/** A service with a slot at 09:00 every day for ten weeks: a weekly series finds one every seventh. */
async function weeklyService(capacity: number) {
  const { service, slots } = await serviceWithSlots(server, owner, { name: 'Weekly lesson', capacity }, 3, 3 + 7 * 10);
  return { service, slots, week: (n: number) => slots[n * 7] };
}

const bookingsOf = (customer: Account) =>
  server.sql<{ n: number }>(
    'select count(*)::int as n from booking b join app_user u on u.id = b.customer_id where u.email = $1',
    [customer.email],
  );

describe('recurring bookings', () => {
  it('refuse a weekly series of 8 with one occurrence full, whole; book the 7 others when asked; cancel from the 5th on', async () => {
    const { service, week } = await weeklyService(2);
    const [customer, other] = customers;
    // Occurrence 4 (week 3) is full.
    await server.ok(BookDocument, { input: { slotIds: [week(3).id], party: { adults: 2 } } }, other.token);

    const refused = await bookSeries(customer.token, { slotId: week(0).id, occurrences: 8, party: { adults: 1 } });
    expect(refused.status).toBe(200);
    expect(codes(refused.body)).toEqual(['CAPACITY_EXCEEDED']);
    expect(refused.body.errors![0].extensions).toMatchObject({ occurrence: 4, slotId: week(3).id });
    expect(refused.body.errors![0].message).toContain('Occurrence 4');
    expect(await bookingsOf(customer)).toEqual([{ n: 0 }]);
    expect(
      await server.sql('select count(*)::int as n from booking_series where service_id = $1', [Number(service.id)]),
    ).toEqual([{ n: 0 }]);
    expect(await server.sql('select booked from slot where id = $1', [Number(week(0).id)])).toEqual([{ booked: 0 }]);

    const some = await bookSeries(customer.token, {
      slotId: week(0).id,
      occurrences: 8,
      party: { adults: 1 },
      skipUnavailable: true,
      notes: 'Same time every week',
    });
    expect(some.status).toBe(200);
    expect(some.body.errors).toBeUndefined();
    const { series, bookings, skipped } = some.body.data!.bookSeries;
    expect(series).toMatchObject({ intervalWeeks: 1, occurrences: 8 });
    expect(bookings.map((booking) => booking.slots[0].id)).toEqual([0, 1, 2, 4, 5, 6, 7].map((n) => week(n).id));
    expect(bookings.every((booking) => booking.status === 'CONFIRMED')).toBe(true);
    expect(skipped).toEqual([
      {
        occurrence: 4,
        startsAt: week(3).startsAt,
        slotId: week(3).id,
        code: 'CAPACITY_EXCEEDED',
        reason: expect.stringContaining('not enough free seats'),
      },
    ]);
    // Each occurrence is an ordinary booking, tied to its series.
    const { booking } = await server.ok(BookingSeriesDocument, { id: bookings[2].id }, customer.token);
    expect(booking!.series).toMatchObject({ id: series.id, occurrences: 8 });
    expect(booking!.series!.bookings.map((one) => one.id)).toEqual(bookings.map((one) => one.id));

    // From occurrence 5 (the 4th booked) on: 5, 6, 7 and 8 cancelled, their seats freed; 1 to 3 kept.
    const { cancelBookingSeries } = await server.ok(
      CancelBookingSeriesDocument,
      { bookingId: bookings[3].id, reason: 'Moving away' },
      customer.token,
    );
    expect(cancelBookingSeries.map((one) => one.id)).toEqual(bookings.slice(3).map((one) => one.id));
    expect(cancelBookingSeries.every((one) => one.status === 'CANCELLED' && one.slots[0].booked === 0)).toBe(true);
    const after = (await server.ok(BookingSeriesDocument, { id: bookings[0].id }, customer.token)).booking!.series!;
    expect(after.bookings.map((one) => one.status)).toEqual([
      'CONFIRMED',
      'CONFIRMED',
      'CONFIRMED',
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    // Nothing is left from there on: a second time is refused, changing nothing.
    const again = await server.request(CancelBookingSeriesDocument, { bookingId: bookings[3].id }, customer.token);
    expect(codes(again)).toEqual(['INVALID_TRANSITION']);
    // Only participants cancel.
    const stranger = await server.request(CancelBookingSeriesDocument, { bookingId: bookings[0].id }, other.token);
    expect(codes(stranger)).toEqual(['FORBIDDEN']);
  });

  it('every other week, and missing slots refused whole or skipped', async () => {
    const { week } = await weeklyService(3);
    const customer = customers[2];
    const biweekly = await bookSeries(customer.token, {
      slotId: week(0).id,
      occurrences: 4,
      intervalWeeks: 2,
      party: { adults: 1 },
    });
    expect(biweekly.body.data!.bookSeries.bookings.map((one) => one.slots[0].id)).toEqual(
      [0, 2, 4, 6].map((n) => week(n).id),
    );
    // Ten weeks of slots: the 11th weekly occurrence from week 1 has none (another customer: this one's
    // bookings every other week would overlap, which a customer's own bookings may not).
    const later = customers[1];
    const tooFar = await bookSeries(later.token, { slotId: week(1).id, occurrences: 11, party: { adults: 1 } });
    expect(codes(tooFar.body)).toEqual(['SLOT_UNAVAILABLE']);
    expect(tooFar.body.errors![0].extensions).toMatchObject({ occurrence: 11 });
    const skipping = await bookSeries(later.token, {
      slotId: week(1).id,
      occurrences: 11,
      party: { adults: 1 },
      skipUnavailable: true,
    });
    expect(skipping.body.data!.bookSeries.skipped).toEqual([
      expect.objectContaining({ occurrence: 11, slotId: null, code: 'SLOT_UNAVAILABLE' }),
    ]);
    expect(skipping.body.data!.bookSeries.bookings).toHaveLength(10);
  });

  it('keep the local time across a DST change', async () => {
    const { spring } = dstTransitions('Europe/Rome');
    const service = await createService(server, owner, { name: 'Spring lesson', capacity: 2, advanceDays: 1000 });
    const from = shiftDate(spring, -14);
    const slots = await dailySlots(server, owner, service.id, from, shiftDate(from, 28));
    const { bookings } = (
      await bookSeries(customers[2].token, { slotId: slots[0].id, occurrences: 4, party: { adults: 1 } })
    ).body.data!.bookSeries;
    const local = bookings.map((one) => DateTime.fromISO(one.startsAt, { zone: 'Europe/Rome' }));
    expect(local.map((time) => time.toFormat('HH:mm'))).toEqual(['09:00', '09:00', '09:00', '09:00']);
    expect(local.map((time) => time.offset)).toEqual([60, 60, 120, 120]);
    expect(local.map((time) => time.toISODate())).toEqual([0, 7, 14, 21].map((days) => shiftDate(from, days)));
  });

  it('refuse bad input naming the field, changing nothing', async () => {
    const { week } = await weeklyService(1);
    const customer = customers[3];
    for (const [input, field] of [
      [{ occurrences: 53 }, 'occurrences'],
      [{ occurrences: 1 }, 'occurrences'],
      [{ occurrences: 4, intervalWeeks: 0 }, 'intervalWeeks'],
      [{ occurrences: 4, meetingProvider: 'ZOOM' }, 'meetingProvider'],
      [{ occurrences: 4, party: { adults: 2 } }, 'party'],
    ] as const) {
      const refused = await bookSeries(customer.token, { slotId: week(0).id, party: { adults: 1 }, ...input });
      expect(refused.status).toBe(200);
      expect(refused.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await bookingsOf(customer)).toEqual([{ n: 0 }]);
  });

  it('truly concurrent series never oversell: all or nothing, and the ones that fit', async () => {
    const { week } = await weeklyService(1);
    // Five customers at once want the same four weeks of a one-seat slot: exactly one series wins.
    const whole = await Promise.all(
      customers
        .slice(3, 8)
        .map((c) => bookSeries(c.token, { slotId: week(0).id, occurrences: 4, party: { adults: 1 } })),
    );
    expect(whole.map((result) => codes(result.body).join() || 'OK').sort()).toEqual([
      'CAPACITY_EXCEEDED',
      'CAPACITY_EXCEEDED',
      'CAPACITY_EXCEEDED',
      'CAPACITY_EXCEEDED',
      'OK',
    ]);
    // Then five overlapping series that take what fits, at once: every seat sold once, none twice.
    const some = await Promise.all(
      customers
        .slice(3, 8)
        .map((c, i) =>
          bookSeries(c.token, { slotId: week(i).id, occurrences: 5, party: { adults: 1 }, skipUnavailable: true }),
        ),
    );
    const booked = some.flatMap((result) => result.body.data?.bookSeries.bookings ?? []);
    const slotIds = booked.map((one) => one.slots[0].id);
    expect(new Set(slotIds).size).toBe(slotIds.length);
    const weeks = Array.from({ length: 9 }, (_, n) => Number(week(n).id));
    const rows = await server.sql<{ booked: number; held: number; capacity: number }>(
      'select booked, held, capacity from slot where id = any($1)',
      [weeks],
    );
    expect(rows.every((row) => row.booked + row.held <= row.capacity)).toBe(true);
    // Weeks 4 to 8 were free and one series at least reached each: all sold, to exactly one booking each.
    expect(rows.reduce((sum, row) => sum + row.booked, 0)).toBe(9);
    const [{ n }] = await server.sql<{ n: number }>(
      `select count(*)::int as n from booking_slot bs join booking b on b.id = bs.booking_id where b.status = 'CONFIRMED' and bs.slot_id = any($1)`,
      [weeks],
    );
    expect(n).toBe(9);
  });
});
