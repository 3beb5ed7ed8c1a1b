import {
  BookDocument,
  MyBookingsPageDocument,
  ProviderBookingsPageDocument,
  ServicesPageDocument,
  type MyBookingsPageQuery,
  type ProviderBookingsPageQuery,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp, statementsDuring, type Account } from './support/fixtures';
import { codes, startTestServer, type TestServer } from './support/server';

type Edge = MyBookingsPageQuery['myBookingsConnection']['edges'][number];

describe('connections', () => {
  let server: TestServer;
  let provider: Account;
  let customer: Account;
  let slotIds: string[];

  /** Books `count` one-seat bookings on a slot through the API. */
  async function book(slotId: string, count: number): Promise<string[]> {
    const booked = await Promise.all(
      Array.from({ length: count }, () =>
        server.ok(BookDocument, { input: { slotIds: [slotId], party: { adults: 1 } } }, customer.token),
      ),
    );
    return booked.map(({ book }) => book.id);
  }

  /** `count` copies of a booking made through the API, in one statement: only the lists read them. */
  async function copies(bookingId: string, count: number, tag: string) {
    const rows = await server.sql<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'booking' and column_name not in ('id', 'reference')",
    );
    const columns = rows.map((row) => `"${row.column_name}"`).join(', ');
    await server.sql(
      `insert into booking (reference, ${columns}) select 'BK-${tag}-' || lpad(n::text, 6, '0'), ${columns} from booking, generate_series(1, $2) as n where id = $1`,
      [Number(bookingId), count],
    );
  }

  /** Every page from `after`, 100 rows a page. */
  async function readAll(after: string | null = null): Promise<{ edges: Edge[]; totals: number[] }> {
    const edges: Edge[] = [];
    const totals: number[] = [];
    for (;;) {
      const { myBookingsConnection: page } = await server.ok(
        MyBookingsPageDocument,
        { first: 100, after },
        customer.token,
      );
      edges.push(...page.edges);
      totals.push(page.totalCount);
      if (!page.pageInfo.hasNextPage) return { edges, totals };
      after = page.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    server = await startTestServer();
    provider = await signUp(server, 'PROVIDER');
    customer = await signUp(server, 'CUSTOMER');
    const service = await createService(server, provider, {
      capacity: 1000,
      maxPartySize: 10,
      allowOverlappingBookings: true,
    });
    slotIds = (await dailySlots(server, provider, service.id, daysFromNow(2), daysFromNow(4))).map((slot) => slot.id);
    const [early] = await book(slotIds[1], 1);
    const [late] = await book(slotIds[2], 1);
    await copies(early, 299, 'EARLY');
    await copies(late, 299, 'LATE');
  });
  afterAll(() => server.stop());

  it('reads 600 bookings through pages of 100, each once, in order, with the total on every page', async () => {
    const { edges, totals } = await readAll();
    expect(edges).toHaveLength(600);
    expect(new Set(edges.map((edge) => edge.node.id)).size).toBe(600);
    expect(totals).toEqual([600, 600, 600, 600, 600, 600]);
    const starts = edges.map((edge) => edge.node.startsAt);
    expect(starts).toEqual([...starts].sort());

    const providerIds: string[] = [];
    let after: string | null = null;
    for (let hasNext = true; hasNext; ) {
      const { providerBookingsConnection: page }: ProviderBookingsPageQuery = await server.ok(
        ProviderBookingsPageDocument,
        { first: 100, after },
        provider.token,
      );
      providerIds.push(...page.nodes.map((node) => node.id));
      expect(page.totalCount).toBe(600);
      ({ hasNextPage: hasNext, endCursor: after } = page.pageInfo);
    }
    expect(providerIds).toEqual(edges.map((edge) => edge.node.id));
  });

  it('keeps a cursor valid while rows are added before and after it', async () => {
    const { myBookingsConnection: first } = await server.ok(MyBookingsPageDocument, { first: 100 }, customer.token);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    await book(slotIds[0], 5); // sorts before the cursor
    await book(slotIds[2], 5); // sorts after it
    const rest = await readAll(first.pageInfo.endCursor);
    const before = new Set(first.edges.map((edge) => edge.node.id));
    expect(rest.edges.filter((edge) => before.has(edge.node.id))).toEqual([]);
    expect(rest.edges).toHaveLength(600 - 100 + 5);
    expect(rest.totals[0]).toBe(610);
  });

  it('costs the same few statements whatever the page size (no query per row)', async () => {
    const small = await statementsDuring(server, () => server.ok(MyBookingsPageDocument, { first: 2 }, customer.token));
    const large = await statementsDuring(server, () =>
      server.ok(MyBookingsPageDocument, { first: 100 }, customer.token),
    );
    expect(large).toBe(small);
  });

  it('refuses a page size outside 1 to 100 and a cursor it did not make, naming the argument', async () => {
    for (const first of [0, 101, -1]) {
      const result = await server.request(MyBookingsPageDocument, { first }, customer.token);
      expect([codes(result), result.errors?.[0].extensions?.field]).toEqual([['BAD_USER_INPUT'], 'first']);
    }
    for (const after of [
      'not-a-cursor',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
    ]) {
      const result = await server.request(MyBookingsPageDocument, { first: 10, after }, customer.token);
      expect([codes(result), result.errors?.[0].extensions?.field]).toEqual([['BAD_USER_INPUT'], 'after']);
    }
  });

  it('pages through services the same way', async () => {
    const { servicesConnection: page } = await server.ok(ServicesPageDocument, { first: 1 });
    expect(page.nodes).toHaveLength(1);
    const { servicesConnection: next } = await server.ok(ServicesPageDocument, {
      first: 1,
      after: page.pageInfo.endCursor,
    });
    expect(next.nodes.map((node) => node.id)).not.toContain(page.nodes[0].id);
    expect(page.totalCount).toBeGreaterThanOrEqual(1);
  });
});
