import {
  BookDocument,
  CreateServiceDocument,
  SignUpDocument,
  UpdateMeDocument,
  UpdateProviderProfileDocument,
} from '../client/generated/graphql';
import { SERVICE, createService, dailySlots, daysFromNow, signUp, type Account } from './support/fixtures';
import { startTestServer, type GraphQLResult, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
let slotId: string;

beforeAll(async () => {
  server = await startTestServer();
  [owner, customer] = await Promise.all([signUp(server, 'PROVIDER', 'Lido'), signUp(server, 'CUSTOMER', 'Ann')]);
  const service = await createService(server, owner, { capacity: 100 });
  [{ id: slotId }] = await dailySlots(server, owner, service.id, daysFromNow(3), daysFromNow(4));
});
afterAll(() => server.stop());

/** Names that look like something else, or like nothing: each refused. */
const DECEPTIVE = {
  'right-to-left override': 'Ann\u202Egnp.exe',
  'left-to-right isolate': '\u2066Ann\u2069',
  'right-to-left mark': 'Ann\u200F',
  'zero-width space': 'Ad\u200Bmin',
  'word joiner': 'Ad\u2060min',
  'byte order mark inside': 'Ad\uFEFFmin',
  'soft hyphen': 'Ad\u00ADmin',
  'Hangul filler alone': '\u3164',
  'zero-width joiner alone': '\u200D',
  'line separator': 'Ann\u2028Smith',
  'private use': 'Ann\uE000',
};
/** Names of people and places that must still be taken. */
const GENUINE = [
  'Zoë Ørsted',
  'محمد علي',
  'שלום',
  'میخواهم',
  '👨‍👩‍👧 Family trips',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Highland tours',
  '❤️ Love Lido',
];

const fieldOf = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions;

describe('names and other one-line display texts', () => {
  it('refuse invisible and bidirectional control characters, in every place a name is given', async () => {
    for (const [why, name] of Object.entries(DECEPTIVE)) {
      const attempts: [string, Promise<GraphQLResult<unknown>>][] = [
        [
          'name',
          server.request(SignUpDocument, {
            input: {
              email: `n-${Math.random().toString(36).slice(2)}@example.test`,
              password: 'password123',
              name,
              role: 'CUSTOMER',
            },
          }),
        ],
        ['name', server.request(UpdateMeDocument, { input: { name } }, customer.token)],
        ['name', server.request(UpdateProviderProfileDocument, { input: { name } }, owner.token)],
        ['name', server.request(CreateServiceDocument, { input: { ...SERVICE, name } }, owner.token)],
        [
          'contact.name',
          server.request(
            BookDocument,
            {
              input: {
                slotIds: [slotId],
                party: { adults: 1 },
                contact: { name, email: 'guest@example.test' },
              },
            },
            customer.token,
          ),
        ],
      ];
      for (const [field, attempt] of attempts) {
        expect([why, field, fieldOf(await attempt)]).toEqual([
          why,
          field,
          expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
        ]);
      }
    }
    const [{ count }] = await server.sql<{ count: string }>(
      `select count(*) from app_user where name ~ '[\u200B-\u200F\u202A-\u202E\u2060-\u2069\u3164\uFEFF\u00AD]'`,
    );
    expect(count).toBe('0');
  });

  it('take the names people really have, emoji sequences and every script included', async () => {
    for (const name of GENUINE) {
      expect((await server.ok(UpdateMeDocument, { input: { name } }, customer.token)).updateMe.name).toBe(name);
      expect(
        (await server.ok(CreateServiceDocument, { input: { ...SERVICE, name } }, owner.token)).createService.name,
      ).toBe(name);
    }
  });
});

describe('longer texts (notes, bios)', () => {
  it('refuse bidirectional overrides and isolates, which would show them in another order than written', async () => {
    const booked = await server.request(
      BookDocument,
      { input: { slotIds: [slotId], party: { adults: 1 }, notes: 'Pay at \u202Ekcod eht\u202C please' } },
      customer.token,
    );
    expect(fieldOf(booked)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'notes' });
    const bio = await server.request(
      UpdateProviderProfileDocument,
      { input: { bio: 'Open \u2067daily\u2069' } },
      owner.token,
    );
    expect(fieldOf(bio)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bio' });
    // Right-to-left prose with its ordinary marks stays as written.
    const prose = 'نرحب بكم\u200F\nمن 9 إلى 17';
    expect(
      (await server.ok(UpdateProviderProfileDocument, { input: { bio: prose } }, owner.token)).updateProviderProfile,
    ).toBeTruthy();
  });
});
