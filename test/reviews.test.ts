import {
  BookDocument,
  CompleteBookingDocument,
  CreateReviewDocument,
  CreateWebhookEndpointDocument,
  HideReviewDocument,
  ProviderReviewsDocument,
  ProviderReviewsPageDocument,
  type ProviderReviewsPageQuery,
  ReplyToReviewDocument,
  ServiceReviewsDocument,
  ServicesWithRatingsDocument,
} from '../client/generated/graphql';
import { TestClock } from './support/clock';
import {
  createService,
  dailySlots,
  daysFromNow,
  logInAdmin,
  signUp,
  statementsDuring,
  storedMails,
  type Account,
} from './support/fixtures';
import { codes, startTestServer, type GraphQLResult, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let otherOwner: Account;
let admin: Account;
let customers: Account[];
let services: { id: string }[];
/** Bookings by name: all COMPLETED but `confirmed`. */
const bookings: Record<string, string> = {};

const clock = new TestClock();

beforeAll(async () => {
  // Tokens outlive the clock moved ahead by weeks.
  server = await startTestServer(
    { webhooks: { allowHttp: true, timeoutMs: 1_000 }, accessTokenMinutes: 90 * 24 * 60, refreshTokenDays: 90 },
    clock,
  );
  [owner, otherOwner, ...customers] = await Promise.all([
    signUp(server, 'PROVIDER', 'Olive Owner'),
    signUp(server, 'PROVIDER'),
    signUp(server, 'CUSTOMER', 'Carla Customer'),
    signUp(server, 'CUSTOMER', 'Dino Customer'),
    signUp(server, 'CUSTOMER', 'Elsa Customer'),
  ]);
  admin = await logInAdmin(server);
  services = [
    await createService(server, owner, { name: 'Kayak tour' }),
    await createService(server, owner, { name: 'Snorkelling' }),
  ];
  const slots = await Promise.all(
    services.map((service) => dailySlots(server, owner, service.id, daysFromNow(2), daysFromNow(4))),
  );
  const book = async (name: string, who: Account, slotId: string) => {
    bookings[name] = (
      await server.ok(BookDocument, { input: { slotIds: [slotId], party: { adults: 1 } } }, who.token)
    ).book.id;
  };
  const [carla, dino, elsa] = customers;
  await book('carla', carla, slots[0][0].id);
  await book('dino', dino, slots[0][0].id);
  await book('race', carla, slots[0][1].id);
  await book('dinoSnorkel', dino, slots[1][0].id);
  await book('elsaSnorkel', elsa, slots[1][0].id);
  await book('carlaSnorkel', carla, slots[1][1].id);
  await book('confirmed', elsa, slots[0][2].id);
  clock.advance(10 * 24 * 3_600_000); // every slot has started: the provider may complete the bookings
  for (const name of ['carla', 'dino', 'race', 'dinoSnorkel', 'elsaSnorkel', 'carlaSnorkel']) {
    await server.ok(CompleteBookingDocument, { id: bookings[name] }, owner.token);
  }
});
afterAll(() => server.stop());

const review = (who: Account, bookingId: string, rating: number, comment?: string) =>
  server.request(CreateReviewDocument, { bookingId, rating, comment }, who.token);
const field = (result: GraphQLResult<unknown>) => [
  result.errors?.[0]?.extensions.code,
  result.errors?.[0]?.extensions.field,
];
const reviewRows = async () => Number((await server.sql<{ n: string }>('select count(*) as n from review'))[0].n);

describe('reviews', () => {
  it('are written once per COMPLETED booking by its customer; bad input names the field and changes nothing', async () => {
    const [carla, dino] = customers;
    const before = await reviewRows();
    expect(field(await review(carla, bookings.carla, 0))).toEqual(['BAD_USER_INPUT', 'rating']);
    expect(field(await review(carla, bookings.carla, 6))).toEqual(['BAD_USER_INPUT', 'rating']);
    expect(field(await review(carla, bookings.carla, 5, 'x'.repeat(2_001)))).toEqual(['BAD_USER_INPUT', 'comment']);
    expect(field(await review(carla, bookings.dino, 5))).toEqual(['BAD_USER_INPUT', 'bookingId']); // not hers
    const pending = await review(customers[2], bookings.confirmed, 5);
    expect(field(pending)).toEqual(['BAD_USER_INPUT', 'bookingId']);
    expect(pending.errors![0].message).toContain('COMPLETED');
    expect(codes(await server.request(CreateReviewDocument, { bookingId: bookings.carla, rating: 5 }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(await reviewRows()).toBe(before);

    const { createReview } = await server.ok(
      CreateReviewDocument,
      { bookingId: bookings.carla, rating: 4, comment: '  Calm water, a patient guide.  ' },
      carla.token,
    );
    expect(createReview).toMatchObject({
      authorName: 'Carla Customer',
      rating: 4,
      comment: 'Calm water, a patient guide.',
      reply: null,
      service: { id: services[0].id, name: 'Kayak tour' },
    });
    expect(field(await review(carla, bookings.carla, 5))).toEqual(['BAD_USER_INPUT', 'bookingId']); // twice
    expect(await reviewRows()).toBe(before + 1);
    expect(field(await review(dino, bookings.dino, 5))).toEqual([undefined, undefined]);

    // The database holds the rules on its own too.
    await expect(server.sql('update review set rating = 9 where id = $1', [createReview.id])).rejects.toThrow(
      /review_rating_check/,
    );
    await expect(
      server.sql(
        'insert into review (booking_id, service_id, provider_id, author_id, rating, created_at) select id, service_id, 1, customer_id, 3, now() from booking where id = $1',
        [bookings.confirmed],
      ),
    ).rejects.toThrow(/COMPLETED/);

    // Audited on the booking, mailed to the provider.
    const audit = await server.sql<{ action: string; actor_id: number }>(
      "select action, actor_id from audit_entry where booking_id = $1 and action = 'review.created'",
      [bookings.carla],
    );
    expect(audit).toEqual([{ action: 'review.created', actor_id: Number(carla.userId) }]);
    const mails = await storedMails(server, owner.email);
    const mail = mails.find((m) => m.subject === 'New review (4/5): Kayak tour');
    expect(mail?.text).toContain('Carla Customer reviewed Kayak tour: 4 out of 5.');
    expect(mail?.text).toContain('Calm water, a patient guide.');
  });

  it('are one per booking when the customer sends the same review twice at once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => review(customers[0], bookings.race, 5)));
    expect(results.filter((result) => result.data?.createReview).length).toBe(1);
    expect(results.filter((result) => !result.data).map(field)).toEqual(
      Array.from({ length: 3 }, () => ['BAD_USER_INPUT', 'bookingId']),
    );
    expect(await server.sql('select id from review where booking_id = $1', [bookings.race])).toHaveLength(1);
  });

  it('show a stranger the author by name, never the email, the account or the booking', async () => {
    const stranger = await signUp(server, 'CUSTOMER');
    for (const token of [undefined, stranger.token, otherOwner.token]) {
      const { provider } = await server.ok(ProviderReviewsDocument, { id: owner.providerId! }, token);
      expect(provider!.reviews.length).toBeGreaterThan(0);
      for (const item of provider!.reviews) expect(item.booking).toBeNull();
      const body = JSON.stringify(provider);
      for (const customer of customers) expect(body).not.toContain(customer.email);
    }
    // The author, the provider and admins see the booking.
    const carlas = async (token: string) =>
      (await server.ok(ProviderReviewsDocument, { id: owner.providerId! }, token)).provider!.reviews.find(
        (r) => r.authorName === 'Carla Customer' && r.booking?.id === bookings.carla,
      );
    expect((await carlas(customers[0].token))?.booking).toEqual({
      id: bookings.carla,
      customer: { email: customers[0].email },
    });
    expect((await carlas(owner.token))?.booking?.id).toBe(bookings.carla);
    expect((await carlas(admin.token))?.booking?.id).toBe(bookings.carla);
    const dinos = (
      await server.ok(ProviderReviewsDocument, { id: owner.providerId! }, customers[0].token)
    ).provider!.reviews.find((r) => r.authorName === 'Dino Customer');
    expect(dinos?.booking).toBeNull(); // another customer's booking
  });

  it('rate providers and services by their visible reviews; a provider replies once, an admin hides', async () => {
    const [carla, dino, elsa] = customers;
    const snorkel = services[1].id;
    const rated = async () => (await server.ok(ServiceReviewsDocument, { id: snorkel })).service!;
    expect(await rated()).toMatchObject({ rating: null, reviewCount: 0, reviews: [] });
    const ids: string[] = [];
    for (const [who, name, stars] of [
      [dino, 'dinoSnorkel', 5],
      [elsa, 'elsaSnorkel', 2],
      [carla, 'carlaSnorkel', 3],
    ] as const) {
      ids.push(
        (await server.ok(CreateReviewDocument, { bookingId: bookings[name], rating: stars }, who.token)).createReview
          .id,
      );
    }
    expect(await rated()).toMatchObject({ rating: 10 / 3, reviewCount: 3 });
    expect((await rated()).reviews.map((r) => r.id)).toEqual([...ids].reverse()); // newest first

    expect(
      codes(await server.request(ReplyToReviewDocument, { id: ids[1], reply: 'Sorry!' }, otherOwner.token)),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await server.request(ReplyToReviewDocument, { id: ids[1], reply: 'Sorry!' }, elsa.token))).toEqual([
      'FORBIDDEN',
    ]);
    const { replyToReview } = await server.ok(
      ReplyToReviewDocument,
      { id: ids[1], reply: 'Sorry about the waves.' },
      owner.token,
    );
    expect(replyToReview.reply).toBe('Sorry about the waves.');
    expect(field(await server.request(ReplyToReviewDocument, { id: ids[1], reply: 'Again' }, owner.token))).toEqual([
      'BAD_USER_INPUT',
      'id',
    ]);
    await expect(server.sql("update review set reply = 'changed' where id = $1", [ids[1]])).rejects.toThrow(
      /one reply/,
    );

    expect(codes(await server.request(HideReviewDocument, { id: ids[1] }, owner.token))).toEqual(['FORBIDDEN']);
    expect((await server.ok(HideReviewDocument, { id: ids[1] }, admin.token)).hideReview).toBe(true);
    expect(codes(await server.request(HideReviewDocument, { id: ids[1] }, admin.token))).toEqual([
      'INVALID_TRANSITION',
    ]);
    const after = await rated();
    expect(after).toMatchObject({ rating: 4, reviewCount: 2 });
    expect(after.reviews.map((r) => r.id)).not.toContain(ids[1]);

    // The provider's rating spans its services' visible reviews: kayak 4, 5, 5 (race) and snorkel 5, 3.
    const { provider } = await server.ok(ProviderReviewsDocument, { id: owner.providerId! });
    expect(provider).toMatchObject({ rating: (4 + 5 + 5 + 5 + 3) / 5, reviewCount: 5 });
    // Paged two at a time, newest first, the same five visible reviews as the list.
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const answer: ProviderReviewsPageQuery = await server.ok(ProviderReviewsPageDocument, {
        id: owner.providerId!,
        first: 2,
        after: cursor,
      });
      const { reviewsConnection } = answer.provider!;
      expect(reviewsConnection.totalCount).toBe(5);
      paged.push(...reviewsConnection.nodes.map((r) => r.id));
      expect(reviewsConnection.pageInfo.hasNextPage).toBe(page < 2);
      cursor = reviewsConnection.pageInfo.endCursor;
    }
    expect(paged).toEqual(provider!.reviews.map((r) => r.id));
    expect((await server.ok(ProviderReviewsDocument, { id: otherOwner.providerId! })).provider).toMatchObject({
      rating: null,
      reviewCount: 0,
      reviews: [],
    });
  });

  it('resolve ratings and reviews of a list in a fixed number of statements, however many services', async () => {
    const list = () => server.ok(ServicesWithRatingsDocument, { providerId: owner.providerId! });
    const few = await statementsDuring(server, list);
    await Promise.all([
      createService(server, owner, { name: 'Third' }),
      createService(server, owner, { name: 'Fourth' }),
    ]);
    expect((await list()).services).toHaveLength(4);
    expect(await statementsDuring(server, list)).toBe(few);
  });

  it('queue a signed review.created webhook for the provider', async () => {
    await server.ok(
      CreateWebhookEndpointDocument,
      { url: 'http://127.0.0.1:9/hook', events: ['review.created'] },
      owner.token,
    );
    const stranger = await signUp(server, 'CUSTOMER', 'Fay');
    const slots = await dailySlots(server, owner, services[0].id, daysFromNow(15), daysFromNow(15));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slots[0].id], party: { adults: 1 } } },
      stranger.token,
    );
    clock.advance(10 * 24 * 3_600_000);
    await server.ok(CompleteBookingDocument, { id: book.id }, owner.token);
    const { createReview } = await server.ok(
      CreateReviewDocument,
      { bookingId: book.id, rating: 5, comment: 'Great' },
      stranger.token,
    );
    const rows = await server.sql<{ payload: { review: object } }>(
      "select payload from webhook_delivery where event = 'review.created'",
    );
    expect(rows.map((row) => row.payload.review)).toEqual([
      { id: createReview.id, bookingId: book.id, serviceId: services[0].id, rating: 5, comment: 'Great' },
    ]);
  });
});
