import type { ParsedMail } from 'mailparser';
import {
  AcceptProposalDocument,
  BookDocument,
  CancelBookingDocument,
  CreateSlotDocument,
  MyLanguageDocument,
  ProposeDocument,
  SignUpDocument,
  UpdateMyLanguageDocument,
} from '../client/generated/graphql';
import { createService, jobsSettled, signUp, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import { startTestServer, type TestServer } from './support/server';

const mailbox = new Mailbox();
let server: TestServer;
let owner: Account;

beforeAll(async () => {
  server = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${await mailbox.start()}` });
  owner = await signUp(server, 'PROVIDER', 'Lido Azzurro', { timezone: 'Europe/Rome' });
});
afterAll(async () => {
  await server.stop();
  await mailbox.stop();
});

async function delivered(address: string, reference: string, count = 1): Promise<ParsedMail[]> {
  const found = () => mailbox.to(address).filter((mail) => mail.subject?.includes(reference));
  await eventually(async () => found().length >= count, 15_000);
  return found();
}

describe("emails in the reader's language", () => {
  it('an Italian customer reads Italian (words, dates, answers) over SMTP while the English provider reads English', async () => {
    const customer = await signUp(server, 'CUSTOMER', 'Giulia', { timezone: 'Europe/Rome', locale: 'it' });
    const service = await createService(server, owner, {
      name: 'Ombrellone',
      questions: [{ label: 'Cane?', kind: 'YES_NO', required: true }],
    });
    const { createSlot: slot } = await server.ok(
      CreateSlotDocument,
      { serviceId: service.id, startsAt: '2027-01-16T08:00:00Z', endsAt: '2027-01-16T09:00:00Z' },
      owner.token,
    );
    const { book } = await server.ok(
      BookDocument,
      {
        input: {
          slotIds: [slot.id],
          party: { adults: 2, children: 1 },
          answers: [{ questionId: 'q1', value: 'yes' }],
          notes: 'Vicino al mare',
        },
      },
      customer.token,
    );
    const [toGiulia] = await delivered(customer.email, book.reference);
    expect(toGiulia.subject).toBe(`Prenotazione confermata: Ombrellone (${book.reference})`);
    const text = toGiulia.text!;
    for (const line of [
      'Prenotazione confermata.',
      'Servizio: Ombrellone',
      'Con: Lido Azzurro',
      `Riferimento: ${book.reference}`,
      'Dalle: sab 16 gen 2027, 09:00 (CET)',
      'Alle: sab 16 gen 2027, 10:00 (CET)',
      'Persone: 2 adulti, 1 bambini, 0 neonati',
      'Totale: 60.00 EUR',
      'Note: Vicino al mare',
      'Risposte:\n- Cane? sì',
    ])
      expect(text).toContain(line);
    expect(text).toMatch(/Vedila su http/);
    expect(toGiulia.html).toContain('Apri la prenotazione');

    const [toOwner] = await delivered(owner.email, book.reference);
    expect(toOwner.subject).toBe(`Booking confirmed: Ombrellone (${book.reference})`);
    expect(toOwner.text).toContain('From: Sat 16 Jan 2027, 09:00 (CET)');
    expect(toOwner.text).toContain('Answers:\n- Cane? yes');

    // A change made later is told in the language the reader has then.
    await server.ok(CancelBookingDocument, { id: book.id, reason: 'Piove' }, customer.token);
    const [, cancelled] = await delivered(customer.email, book.reference, 2);
    expect(cancelled.subject).toBe(`Prenotazione annullata: Ombrellone (${book.reference})`);
    expect(cancelled.text).toContain('Annullata da: il cliente (Giulia)');
    expect(cancelled.text).toContain('Motivo: Piove');
  });

  it('proposal emails: each reader in their own language, the Italian provider and customer in Italian, the English provider in English', async () => {
    const customer = await signUp(server, 'CUSTOMER', 'Chiara', { timezone: 'Europe/Rome', locale: 'it' });
    const italianOwner = await signUp(server, 'PROVIDER', 'Bagni Marconi', { timezone: 'Europe/Rome', locale: 'it' });
    const proposeTo = async (provider: Account, name: string) => {
      const service = await createService(server, provider, { name, bookingMode: 'APPROVAL' });
      const { createSlot: slot } = await server.ok(
        CreateSlotDocument,
        { serviceId: service.id, startsAt: '2027-01-16T08:00:00Z', endsAt: '2027-01-16T09:00:00Z' },
        provider.token,
      );
      const { propose } = await server.ok(
        ProposeDocument,
        { input: { slotIds: [slot.id], party: { adults: 2, children: 1 }, message: 'Con il cane' } },
        customer.token,
      );
      return propose;
    };

    const first = await proposeTo(italianOwner, 'Cabina');
    const [received] = await delivered(italianOwner.email, 'Cabina');
    expect(received.subject).toBe('Nuova proposta di prenotazione: Cabina');
    for (const line of [
      'Nuova proposta di prenotazione.',
      'Servizio: Cabina',
      'Proposta da: Chiara',
      'Orario: sab 16 gen 2027, 09:00 – 10:00 (CET)',
      'Persone: 2 adulti, 1 bambini, 0 neonati',
      'Prezzo proposto: 60.00 EUR',
      '- sab 16 gen 2027, 09:00 (CET): 2 adulti x 20.00 EUR = 40.00 EUR',
      'Messaggio: Con il cane',
      'Rispondi entro: ',
      // No front end is set here: the API calls to answer with are named instead of a link.
      `Id della proposta: ${first.id} (rispondi con acceptProposal, counterPropose o declineProposal nell’API)`,
    ])
      expect(received.text).toContain(line);

    // The English provider reads the same customer's proposal in English; the customer's answer comes in Italian.
    const proposal = await proposeTo(owner, 'Pedalò');
    const [toOwner] = await delivered(owner.email, 'Pedalò');
    expect(toOwner.subject).toBe('New booking proposal: Pedalò');
    expect(toOwner.text).toContain('Proposed by: Chiara');
    expect(toOwner.text).toContain('Party: 2 adult(s), 1 child(ren), 0 infant(s)');
    await server.ok(AcceptProposalDocument, { id: proposal.id }, owner.token);
    const [accepted] = await delivered(customer.email, 'La tua proposta è stata accettata');
    expect(accepted.subject).toBe('La tua proposta è stata accettata: Pedalò');
    expect(accepted.text).toContain('Orario: sab 16 gen 2027, 09:00 – 10:00 (CET)');
    expect(accepted.text).toMatch(/Prenotazione: \S+, 60\.00 EUR, non pagata con carta qui/);
    expect(accepted.text).toContain(`Id della proposta: ${proposal.id}`);
  });

  it("takes the sign-up request's Accept-Language when no locale is given, and refuses a language it does not have", async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'it-IT,it;q=0.9,en;q=0.8' },
      body: JSON.stringify({
        query: 'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }',
        variables: { input: { email: 'marco@example.test', password: 'password123', name: 'Marco', role: 'CUSTOMER' } },
      }),
    });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { signUp: { token: string } } };
    expect((await server.ok(MyLanguageDocument, {}, data.signUp.token)).me!.locale).toBe('it');
    // The link confirming the address comes in that language too.
    await jobsSettled(server);
    const [confirm] = await server.sql<{ subject: string; text: string }>(
      'select subject, text from message where "to" = $1',
      ['marco@example.test'],
    );
    expect(confirm.subject).toBe('Conferma il tuo indirizzo email');
    expect(confirm.text).toContain('conferma l’indirizzo (il link vale 7 giorni)');

    const english = await signUp(server, 'CUSTOMER', 'Emma');
    expect((await server.ok(MyLanguageDocument, {}, english.token)).me!.locale).toBe('en');
    const refused = await server.request(UpdateMyLanguageDocument, { locale: 'de' }, english.token);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'locale' });
    expect((await server.ok(UpdateMyLanguageDocument, { locale: 'it' }, english.token)).updateMe.locale).toBe('it');
    const refusedSignUp = await server.request(SignUpDocument, {
      input: { email: 'x@example.test', password: 'password123', name: 'X', role: 'CUSTOMER', locale: 'klingon' },
    });
    expect(refusedSignUp.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'locale' });
  });
});
