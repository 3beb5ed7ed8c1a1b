import {
  BookDocument,
  BookingDetailsDocument,
  CancelBookingDocument,
  ClaimWaitlistOfferDocument,
  CreateBlackoutDocument,
  DeleteBlackoutDocument,
  JoinWaitlistDocument,
  LeaveWaitlistDocument,
  MyWaitlistDocument,
  ServiceWaitlistDocument,
  SetAvailabilityDocument,
  SetSlotCapacityDocument,
  SetWaitlistPriorityDocument,
  type WaitlistInput,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  jobsSettled,
  runJobsNow,
  signUp,
  startWithStripe,
  stopAll,
  storedMails,
  type Account,
} from './support/fixtures';
import { codes, type TestServer } from './support/server';

let stripe: FakeStripe;
let server: TestServer;
let owner: Account;
const clock = new TestClock();
const HOUR = 3_600_000;

beforeAll(async () => ({ stripe, server, owner } = await startWithStripe({ waitlistOfferHours: 24 }, clock)));
afterAll(() => stopAll(server, stripe));

/** Each full slot starts an hour after the last: the owner's capacity-1 services share its time (docs/booking.md, "Appointments and buffers"). */
let nextHour = 10; // after the 09:00 slots the other tests make

async function fullSlot(capacity: number, input: Parameters<typeof createService>[2] = {}) {
  const service = await createService(server, owner, { capacity, ...input });
  const startTime = `${String(nextHour++).padStart(2, '0')}:00`;
  const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5), { startTime });
  const first = await signUp(server, 'CUSTOMER');
  const { book } = await server.ok(
    BookDocument,
    { input: { slotIds: [slot.id], party: { adults: capacity } } },
    first.token,
  );
  return { service, slot, first, booking: book };
}

const join = (input: WaitlistInput, who: Account) => server.request(JoinWaitlistDocument, { input }, who.token);
const joined = async (input: WaitlistInput, who: Account) =>
  (await server.ok(JoinWaitlistDocument, { input }, who.token)).joinWaitlist;
const entryOf = async (who: Account) => (await server.ok(MyWaitlistDocument, {}, who.token)).myWaitlist[0];
const seats = async (slotId: string) =>
  (await server.sql<{ booked: number; held: number }>('select booked, held from slot where id = $1', [slotId]))[0];

describe('waitlist', () => {
  it('offers freed seats by priority then age, passes over a party that does not fit, expires offers after 24 hours and passes them on, and converts one claim of two', async () => {
    const { service, slot, first, booking } = await fullSlot(3);
    const [w1, w2, w3, w4, stranger] = await Promise.all([1, 2, 3, 4, 5].map(() => signUp(server, 'CUSTOMER')));
    const target = { serviceId: service.id, slotId: slot.id };
    await joined({ ...target, partySize: 3 }, w1);
    await joined({ ...target, partySize: 1 }, w2);
    const e3 = await joined({ ...target, partySize: 2 }, w3);
    await joined({ ...target, partySize: 1 }, w4);
    expect(e3).toMatchObject({ status: 'ACTIVE', position: 3, priority: 0 });
    const { setWaitlistPriority } = await server.ok(
      SetWaitlistPriorityDocument,
      { id: e3.id, priority: 5 },
      owner.token,
    );
    expect(setWaitlistPriority).toMatchObject({ priority: 5, position: 1 });
    expect(codes(await server.request(SetWaitlistPriorityDocument, { id: e3.id, priority: 9 }, w3.token))).toEqual([
      'FORBIDDEN',
    ]);
    const queue = (await server.ok(ServiceWaitlistDocument, { serviceId: service.id }, owner.token)).serviceWaitlist;
    expect(queue.map((entry) => [entry.partySize, entry.position])).toEqual([
      [2, 1],
      [3, 2],
      [1, 3],
      [1, 4],
    ]);

    // 3 seats freed: w3 (priority 5, party 2) first; w1's party of 3 no longer fits and keeps its place; w2 takes the last seat.
    await server.ok(CancelBookingDocument, { id: booking.id }, first.token);
    expect(await seats(slot.id)).toEqual({ booked: 0, held: 3 });
    expect(await entryOf(w3)).toMatchObject({ status: 'OFFERED', position: null, slot: { id: slot.id, held: 3 } });
    expect(await entryOf(w1)).toMatchObject({ status: 'ACTIVE', position: 1 });
    expect(await entryOf(w4)).toMatchObject({ status: 'ACTIVE', position: 2 });
    const w2Entry = await entryOf(w2);
    expect(w2Entry.status).toBe('OFFERED');
    expect(new Date(w2Entry.offerExpiresAt!).getTime() - clock.now().getTime()).toBeGreaterThan(24 * HOUR - 60_000);
    const [offerMail] = await storedMails(server, w2.email);
    expect(offerMail.subject).toBe('A place is free for you: Beach sector A');
    expect(offerMail.text).toContain('1 seat(s) are held for you');

    const { claimWaitlistOffer } = await server.ok(ClaimWaitlistOfferDocument, { id: e3.id }, w3.token);
    expect(claimWaitlistOffer).toMatchObject({
      status: 'CONFIRMED',
      party: { adults: 2 },
      slots: [{ booked: 2, held: 1 }],
    });
    expect(await entryOf(w3)).toMatchObject({ status: 'CONVERTED', booking: { id: claimWaitlistOffer.id } });
    expect(codes(await server.request(ClaimWaitlistOfferDocument, { id: e3.id }, w3.token))).toEqual([
      'INVALID_TRANSITION',
    ]);

    clock.advance(23 * HOUR);
    await runJobsNow(server, 'expire_waitlist_offer');
    expect((await entryOf(w2)).status).toBe('OFFERED');
    clock.advance(2 * HOUR);
    await runJobsNow(server, 'expire_waitlist_offer');
    expect((await entryOf(w2)).status).toBe('EXPIRED');
    expect(codes(await server.request(ClaimWaitlistOfferDocument, { id: w2Entry.id }, w2.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
    // The seat went on: w1 (3) still does not fit, w4 (1) does.
    expect(await entryOf(w1)).toMatchObject({ status: 'ACTIVE', position: 1 });
    const w4Entry = await entryOf(w4);
    expect(w4Entry.status).toBe('OFFERED');
    expect(await seats(slot.id)).toEqual({ booked: 2, held: 1 });

    expect(codes(await server.request(ClaimWaitlistOfferDocument, { id: w4Entry.id }, stranger.token))).toEqual([
      'FORBIDDEN',
    ]);
    const claims = await Promise.all(
      [1, 2].map(() => server.request(ClaimWaitlistOfferDocument, { id: w4Entry.id }, w4.token)),
    );
    expect(claims.map((claim) => (claim.data?.claimWaitlistOffer ? 'booked' : codes(claim)[0])).sort()).toEqual([
      'INVALID_TRANSITION',
      'booked',
    ]);
    expect(await server.sql('select id from booking where customer_id = $1', [w4.userId])).toHaveLength(1);
    expect(await seats(slot.id)).toEqual({ booked: 3, held: 0 });
  });

  it('converts an offer on a paid service through the payment, on the seats already held', async () => {
    const service = await createService(server, owner, { capacity: 1, requiresPayment: true, priceAmount: '25.00' });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const [first, waiting] = await Promise.all([signUp(server, 'CUSTOMER'), signUp(server, 'CUSTOMER')]);
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      first.token,
    );
    const entry = await joined({ serviceId: service.id, slotId: slot.id, partySize: 1 }, waiting);
    const intent = (
      await server.sql<{ intent_id: string }>(
        'select intent_id from payment p join booking b on b.payment_id = p.id where b.id = $1',
        [book.id],
      )
    )[0].intent_id;
    await stripe.deliver(server.url, stripe.settle(intent, 'payment_failed'));
    await jobsSettled(server);
    expect(await entryOf(waiting)).toMatchObject({ status: 'OFFERED' });
    expect(await seats(slot.id)).toEqual({ booked: 0, held: 1 });

    const { claimWaitlistOffer: pending } = await server.ok(
      ClaimWaitlistOfferDocument,
      { id: entry.id },
      waiting.token,
    );
    expect(pending).toMatchObject({
      status: 'PENDING_PAYMENT',
      slots: [{ booked: 0, held: 1 }],
      payment: { status: 'REQUIRES_ACTION' },
    });
    const paidIntent = pending.payment!.clientSecret!.split('_secret_')[0];
    await stripe.deliver(server.url, stripe.settle(paidIntent, 'succeeded'));
    await jobsSettled(server);
    expect(await seats(slot.id)).toEqual({ booked: 1, held: 0 });
    expect(
      (await server.sql<{ status: string }>('select status from booking where id = $1', [pending.id]))[0].status,
    ).toBe('CONFIRMED');
  });

  it('queues for a whole date and is offered when capacity is raised, a slot reopens or a blackout is lifted', async () => {
    const { service, slot } = await fullSlot(2);
    const date = daysFromNow(5);
    const [byDate, bySlot, second] = await Promise.all([1, 2, 3].map(() => signUp(server, 'CUSTOMER')));
    const dateEntry = await joined({ serviceId: service.id, date, partySize: 1 }, byDate);
    expect(dateEntry).toMatchObject({ date, slot: null, position: 1 });
    const { setSlotCapacity } = await server.ok(SetSlotCapacityDocument, { id: slot.id, capacity: 3 }, owner.token);
    expect(setSlotCapacity).toMatchObject({ capacity: 3, booked: 2, held: 1, available: 0 });
    expect(await entryOf(byDate)).toMatchObject({ status: 'OFFERED', slot: { id: slot.id } });
    expect(codes(await server.request(SetSlotCapacityDocument, { id: slot.id, capacity: 2 }, owner.token))).toEqual([
      'HAS_BOOKINGS',
    ]);

    // A closed slot with a free seat reopens: the seat goes to the queue first (the day's queue: a closed slot has none of its own).
    const other = await fullSlot(1);
    await server.ok(CancelBookingDocument, { id: other.booking.id }, other.first.token);
    await server.ok(
      SetAvailabilityDocument,
      { serviceId: other.service.id, from: other.slot.startsAt, to: other.slot.endsAt, open: false },
      owner.token,
    );
    await joined({ serviceId: other.service.id, date, partySize: 1 }, bySlot);
    await server.ok(
      SetAvailabilityDocument,
      { serviceId: other.service.id, from: other.slot.startsAt, to: other.slot.endsAt, open: true },
      owner.token,
    );
    expect(await entryOf(bySlot)).toMatchObject({ status: 'OFFERED' });

    const third = await fullSlot(1);
    await server.ok(CancelBookingDocument, { id: third.booking.id }, third.first.token);
    const { createBlackout } = await server.ok(
      CreateBlackoutDocument,
      { input: { serviceId: third.service.id, startsOn: date, endsOn: date, kind: 'WEATHER', name: 'Storm' } },
      owner.token,
    );
    await joined({ serviceId: third.service.id, date, partySize: 1 }, second);
    expect(await entryOf(second)).toMatchObject({ status: 'ACTIVE' });
    await server.ok(DeleteBlackoutDocument, { id: createBlackout.id }, owner.token);
    expect(await entryOf(second)).toMatchObject({ status: 'OFFERED' });

    // Leaving with an offer gives the seat back (nobody else waits here).
    const { leaveWaitlist } = await server.ok(LeaveWaitlistDocument, { id: (await entryOf(second)).id }, second.token);
    expect(leaveWaitlist.status).toBe('CANCELLED');
    expect(await seats(third.slot.id)).toEqual({ booked: 0, held: 0 });
  });

  it('refuses bad joins with clear codes and changes nothing', async () => {
    const { service, slot } = await fullSlot(2, { maxPartySize: 5 });
    const who = await signUp(server, 'CUSTOMER');
    expect(codes(await join({ serviceId: service.id, slotId: slot.id, partySize: 3 }, who))).toEqual([
      'BAD_USER_INPUT',
    ]); // larger than the slot
    expect(
      codes(await join({ serviceId: service.id, slotId: slot.id, date: daysFromNow(5), partySize: 1 }, who)),
    ).toEqual(['BAD_USER_INPUT']);
    expect(codes(await join({ serviceId: service.id, slotId: slot.id, partySize: 1 }, owner))).toEqual(['OWN_SERVICE']);
    const twice = await Promise.all(
      [1, 2].map(() => join({ serviceId: service.id, slotId: slot.id, partySize: 1 }, who)),
    );
    expect(twice.map((result) => (result.data ? 'joined' : codes(result)[0])).sort()).toEqual([
      'BAD_USER_INPUT',
      'joined',
    ]);
    expect(codes(await join({ serviceId: service.id, slotId: slot.id, partySize: 2 }, who))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect((await server.ok(MyWaitlistDocument, {}, who.token)).myWaitlist).toHaveLength(1);
    const roomy = await createService(server, owner, { capacity: 5 });
    const [free] = await dailySlots(server, owner, roomy.id, daysFromNow(5), daysFromNow(5));
    expect(codes(await join({ serviceId: roomy.id, slotId: free.id, partySize: 1 }, who))).toEqual(['BAD_USER_INPUT']); // book instead
    const entry = (await server.ok(MyWaitlistDocument, {}, who.token)).myWaitlist[0];
    expect(codes(await server.request(LeaveWaitlistDocument, { id: entry.id }, owner.token))).toEqual(['FORBIDDEN']);
    expect(codes(await server.request(ClaimWaitlistOfferDocument, { id: entry.id }, who.token))).toEqual([
      'INVALID_TRANSITION',
    ]); // not offered
  });

  it('carries contact details and notes, shown to the provider, told of the offer, kept with the booking', async () => {
    const { service, slot, first, booking } = await fullSlot(1);
    const waiting = await signUp(server, 'CUSTOMER');
    const contact = { name: 'Ada Guest', email: 'Ada.Guest@Example.test', phone: '+39 06 1234', company: 'Lido' };
    const bad = await join(
      { serviceId: service.id, slotId: slot.id, partySize: 1, contact: { ...contact, email: 'nope' } },
      waiting,
    );
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contact.email' });
    const long = await join(
      { serviceId: service.id, slotId: slot.id, partySize: 1, notes: 'x'.repeat(2_001) },
      waiting,
    );
    expect(long.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notes' });
    const entry = await joined(
      { serviceId: service.id, slotId: slot.id, partySize: 1, contact, notes: 'Flexible on time' },
      waiting,
    );
    const shown = { ...contact, email: 'ada.guest@example.test' };
    expect(entry).toMatchObject({ notes: 'Flexible on time', contact: shown });
    const { serviceWaitlist } = await server.ok(ServiceWaitlistDocument, { serviceId: service.id }, owner.token);
    expect(serviceWaitlist.map((e) => [e.id, e.notes, e.contact])).toEqual([[entry.id, 'Flexible on time', shown]]);
    const rival = await signUp(server, 'PROVIDER');
    expect(codes(await server.request(ServiceWaitlistDocument, { serviceId: service.id }, rival.token))).toEqual([
      'FORBIDDEN',
    ]);

    await server.ok(CancelBookingDocument, { id: booking.id }, first.token);
    expect((await storedMails(server, shown.email)).map((mail) => mail.subject)).toEqual([
      expect.stringMatching(/^A place is free for you/),
    ]);
    // Sent on the customer's behalf: withheld while their own address is unconfirmed, as a booking's guest mail is.
    const [{ sender_id }] = await server.sql<{ sender_id: number }>('select sender_id from message where "to" = $1', [
      shown.email,
    ]);
    expect(String(sender_id)).toBe(waiting.userId);
    const { claimWaitlistOffer } = await server.ok(ClaimWaitlistOfferDocument, { id: entry.id }, waiting.token);
    const { booking: made } = await server.ok(BookingDetailsDocument, { id: claimWaitlistOffer.id }, owner.token);
    expect(made?.contact).toEqual(shown);
    const [{ notes }] = await server.sql<{ notes: string }>('select notes from booking where id = $1', [made!.id]);
    expect(notes).toBe('Flexible on time');
  });
});
