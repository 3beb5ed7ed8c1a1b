import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  BookDocument,
  BookingAnswersDocument,
  ProposeWithAnswersDocument,
  ProviderBookingsDocument,
  ServiceQuestionsDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { createService, dailySlots, daysFromNow, signUp, storedMails, type Account } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let customer: Account;
let other: Account;

const QUESTIONS = [
  { label: 'Do you bring a dog?', kind: 'YES_NO' as const, required: true },
  { label: 'Which side?', kind: 'CHOICE' as const, choices: ['Sea', 'Pool'], required: false },
  { label: 'Car plate', kind: 'TEXT' as const },
];

beforeAll(async () => {
  server = await startTestServer();
  [owner, customer, other] = await Promise.all([
    signUp(server, 'PROVIDER', 'Lido Azzurro'),
    signUp(server, 'CUSTOMER', 'Ann'),
    signUp(server, 'CUSTOMER', 'Bob'),
  ]);
});
afterAll(() => server.stop());

/** One operation over HTTP with its status: a field refusing a value answers 200 with its code (README, "Error codes"). */
async function post<T, V>(document: TypedDocumentNode<T, V>, variables: V, token: string) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return {
    status: response.status,
    json: (await response.json()) as {
      data?: T | null;
      errors?: { message: string; extensions: Record<string, unknown> }[];
    },
  };
}

async function bookingCount(serviceId: string): Promise<number> {
  const [{ count }] = await server.sql<{ count: string }>('select count(*) from booking where service_id = $1', [
    serviceId,
  ]);
  return Number(count);
}

describe('booking questions', () => {
  it('a provider asks questions; book answers them, the booking keeps them as asked, the provider and the emails show them', async () => {
    const service = await createService(server, owner, { name: 'Umbrellas', questions: QUESTIONS });
    const { service: asked } = await server.ok(ServiceQuestionsDocument, { id: service.id });
    expect(asked!.questions).toEqual([
      { id: 'q1', label: 'Do you bring a dog?', kind: 'YES_NO', required: true, choices: [] },
      { id: 'q2', label: 'Which side?', kind: 'CHOICE', required: false, choices: ['Sea', 'Pool'] },
      { id: 'q3', label: 'Car plate', kind: 'TEXT', required: false, choices: [] },
    ]);
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(3), daysFromNow(3));
    const { book } = await server.ok(
      BookDocument,
      {
        input: {
          slotIds: [slot.id],
          party: { adults: 2 },
          answers: [
            { questionId: 'q2', value: 'Sea' },
            { questionId: 'q1', value: 'Yes' },
          ],
        },
      },
      customer.token,
    );
    const expected = [
      { questionId: 'q1', question: 'Do you bring a dog?', kind: 'YES_NO', value: 'yes' },
      { questionId: 'q2', question: 'Which side?', kind: 'CHOICE', value: 'Sea' },
    ];
    // The provider rewords a question afterwards: the booking keeps the question it answered.
    await server.ok(
      UpdateServiceDocument,
      { id: service.id, input: { questions: [{ id: 'q1', label: 'Any pets?', kind: 'YES_NO', required: true }] } },
      owner.token,
    );
    expect((await server.ok(BookingAnswersDocument, { id: book.id }, owner.token)).booking!.answers).toEqual(expected);
    expect((await server.ok(BookingAnswersDocument, { id: book.id }, customer.token)).booking!.answers).toEqual(
      expected,
    );
    const { providerBookings } = await server.ok(ProviderBookingsDocument, { serviceId: service.id }, owner.token);
    expect(providerBookings.map((booking) => booking.id)).toEqual([book.id]);

    for (const email of [owner.email, customer.email]) {
      const [mail] = await storedMails(server, email);
      expect(mail.text).toContain('Answers:\n- Do you bring a dog? yes\n- Which side? Sea');
    }
  });

  it('refuses a missing required answer, an unknown question, a choice not offered and a bad yes/no naming the field, and books nothing', async () => {
    const service = await createService(server, owner, { name: 'Cabins', questions: QUESTIONS });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(4), daysFromNow(4));
    const cases: [{ questionId: string; value: string }[], string, RegExp][] = [
      [[], 'answers.q1', /"Do you bring a dog\?" must be answered/],
      [[{ questionId: 'q1', value: ' ' }], 'answers.q1', /must be answered/],
      [[{ questionId: 'q1', value: 'maybe' }], 'answers.q1', /answer "yes" or "no"/],
      [
        [
          { questionId: 'q1', value: 'no' },
          { questionId: 'q2', value: 'Roof' },
        ],
        'answers.q2',
        /choose one of Sea, Pool/,
      ],
      [
        [
          { questionId: 'q1', value: 'no' },
          { questionId: 'q9', value: 'x' },
        ],
        'answers.q9',
        /no such question/,
      ],
      [
        [
          { questionId: 'q1', value: 'no' },
          { questionId: 'q3', value: 'x'.repeat(501) },
        ],
        'answers.q3',
        /at most 500 characters/,
      ],
    ];
    for (const [answers, field, message] of cases) {
      const { status, json } = await post(
        BookDocument,
        { input: { slotIds: [slot.id], party: { adults: 1 }, answers } },
        customer.token,
      );
      expect(status).toBe(200);
      expect(json.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(json.errors![0].message).toMatch(message);
    }
    expect(await bookingCount(service.id)).toBe(0);
  });

  it('refuses bad questions naming the field, and keeps the old ones', async () => {
    const service = await createService(server, owner, { name: 'Lockers', questions: QUESTIONS.slice(0, 1) });
    const cases: [unknown[], string][] = [
      [[{ label: 'Side?', kind: 'CHOICE', choices: ['Sea'] }], 'questions.0.choices'],
      [[{ label: 'Side?', kind: 'CHOICE', choices: ['Sea', 'Sea'] }], 'questions.0.choices'],
      [[{ label: 'Dog?', kind: 'YES_NO', choices: ['a', 'b'] }], 'questions.0.choices'],
      [[{ label: '  ', kind: 'TEXT' }], 'questions.0.label'],
      [
        [
          { id: 'a', label: 'One', kind: 'TEXT' },
          { id: 'a', label: 'Two', kind: 'TEXT' },
        ],
        'questions.1.id',
      ],
      [[{ id: 'bad id', label: 'One', kind: 'TEXT' }], 'questions.0.id'],
      [Array.from({ length: 21 }, (_, index) => ({ label: `Q${index}`, kind: 'TEXT' })), 'questions'],
    ];
    for (const [questions, field] of cases) {
      const { status, json } = await post(
        UpdateServiceDocument,
        { id: service.id, input: { questions: questions as never } },
        owner.token,
      );
      expect(status).toBe(200);
      expect(json.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const { service: kept } = await server.ok(ServiceQuestionsDocument, { id: service.id });
    expect(kept!.questions.map((question) => question.label)).toEqual(['Do you bring a dog?']);
  });

  it('a proposal carries its answers; anyone but its participants sees none on a booking', async () => {
    const service = await createService(server, owner, {
      name: 'Gazebo',
      bookingMode: 'APPROVAL',
      questions: QUESTIONS,
    });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(5));
    const { propose } = await server.ok(
      ProposeWithAnswersDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 }, answers: [{ questionId: 'q1', value: 'no' }] } },
      customer.token,
    );
    expect(propose.answers).toEqual([
      { questionId: 'q1', question: 'Do you bring a dog?', kind: 'YES_NO', value: 'no' },
    ]);
    const refused = await post(
      ProposeWithAnswersDocument,
      { input: { slotIds: [slot.id], party: { adults: 1 } } },
      customer.token,
    );
    expect(refused.status).toBe(200);
    expect(refused.json.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'answers.q1' });

    const open = await createService(server, owner, { name: 'Deckchairs', questions: QUESTIONS });
    const [free] = await dailySlots(server, owner, open.id, daysFromNow(5), daysFromNow(5));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [free.id], party: { adults: 1 }, answers: [{ questionId: 'q1', value: 'no' }] } },
      customer.token,
    );
    const seen = await post(BookingAnswersDocument, { id: book.id }, other.token);
    expect(seen.json.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
