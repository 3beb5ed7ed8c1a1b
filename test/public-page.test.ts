import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { BookDocument, CreateSlotDocument, UpdateProviderProfileDocument } from '../client/generated/graphql';
import { OfflineBrowser } from './support/browser';
import { createService, daysFromNow, signUp, storedMails, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { serverMetric, startTestServer, type TestServer } from './support/server';

const VISITOR_ZONE = 'America/New_York';
let server: TestServer;
let browser: OfflineBrowser;
let owner: Account;
let customer: Account;
let another: Account;

beforeAll(async () => {
  server = await startTestServer();
  // The visitor is abroad: the page shows times in their zone, not the venue's.
  browser = await OfflineBrowser.launch(server.url, [], { timezoneId: VISITOR_ZONE });
  [owner, customer, another] = await Promise.all([
    signUp(server, 'PROVIDER', 'Lido Azzurro'),
    signUp(server, 'CUSTOMER'),
    signUp(server, 'CUSTOMER'),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(() => browser.expectClean());

const origin = () => new URL(server.url).origin;

/** Slots of a service at 09:00, 10:00, ... on `date` in Rome, one hour each. */
async function morning(serviceId: string, date: string, hours: number[]) {
  const slots = [];
  for (const hour of hours) {
    const start = DateTime.fromISO(`${date}T${String(hour).padStart(2, '0')}:00`, { zone: 'Europe/Rome' });
    const { createSlot } = await server.ok(
      CreateSlotDocument,
      { serviceId, startsAt: start.toUTC().toISO()!, endsAt: start.plus({ hours: 1 }).toUTC().toISO()! },
      owner.token,
    );
    slots.push(createSlot);
  }
  return slots;
}

/** Opens a service's page and waits until its live subscription is open and its slots are drawn. */
async function openPage(serviceId: string, date: string, query = ''): Promise<Page> {
  const page = await browser.newPage();
  const before = await serverMetric(server.url, 'live_subscriptions_opened_total');
  await page.goto(`${origin()}/calendar/${owner.providerId}/${serviceId}?month=${date.slice(0, 7)}${query}`);
  await eventually(async () => (await serverMetric(server.url, 'live_subscriptions_opened_total')) > before);
  await page.locator('button.slot').first().waitFor();
  return page;
}

const slotButton = (page: Page, id: string) => page.locator(`button[data-slot-id="${id}"]`);

describe('the booking page of a service', () => {
  it("shows the month's slots in the visitor's zone, says which, and redraws a slot live when another client books", async () => {
    const service = await createService(server, owner, { name: 'Umbrellas', capacity: 10 });
    const date = daysFromNow(8);
    const [slot] = await morning(service.id, date, [9]);
    const page = await openPage(service.id, date);
    await expect(page.locator('#zone').textContent()).resolves.toBe(
      `Times are shown in your time zone, ${VISITOR_ZONE}.`,
    );
    const shown = DateTime.fromISO(`${date}T09:00`, { zone: 'Europe/Rome' }).setZone(VISITOR_ZONE);
    await expect(slotButton(page, slot.id).locator('.time').textContent()).resolves.toBe(
      `${shown.toFormat('HH:mm')}–${shown.plus({ hours: 1 }).toFormat('HH:mm')}`,
    );
    await expect(slotButton(page, slot.id).getAttribute('data-available')).resolves.toBe('10');
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 7 } } }, customer.token);
    await page.locator(`button[data-slot-id="${slot.id}"][data-available="3"]`).waitFor();
    await expect(slotButton(page, slot.id).locator('.seats').textContent()).resolves.toBe('3 left');
    await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 3 } } }, another.token);
    await page.locator(`button.full[data-slot-id="${slot.id}"]`).waitFor();
    await expect(page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);
    await page.close();
  });

  it('works at a phone width with the keyboard alone: no sideways scrolling, a slot chosen with Enter, the price as charged', async () => {
    const service = await createService(server, owner, {
      name: 'Loungers',
      priceAmount: '20.00',
      childRate: 0.5,
      taxRate: 0.1,
    });
    const date = daysFromNow(9);
    const [first, second] = await morning(service.id, date, [9, 10]);
    const page = await openPage(service.id, date);
    await page.setViewportSize({ width: 360, height: 740 });
    // Whatever reaches past the screen's right edge, named: none may.
    const overflowing = () =>
      page.evaluate(
        `[...document.querySelectorAll('body *')].filter((node) => node.getBoundingClientRect().right > window.innerWidth).map((node) => node.tagName + '#' + node.id + '.' + node.className)`,
      );
    await expect(overflowing()).resolves.toEqual([]);

    await slotButton(page, first.id).focus();
    await page.keyboard.press('Enter');
    await expect(slotButton(page, first.id).getAttribute('aria-pressed')).resolves.toBe('true');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(`document.activeElement.getAttribute('data-slot-id')`)).resolves.toBe(second.id);
    await page.keyboard.press('Space');
    await expect(slotButton(page, second.id).getAttribute('aria-pressed')).resolves.toBe('true');
    // Two slots, 2 adults and a child: 2 x 20 x (2 + 0.5) = 100.00, plus 10% tax.
    await page.getByLabel('Adults').fill('2');
    await page.getByLabel('Children').fill('1');
    await page.getByLabel('Children').press('Tab');
    await page.locator('#price', { hasText: '110.00 EUR' }).waitFor();
    await expect(page.locator('#price').textContent()).resolves.toBe(
      'Price: 110.00 EUR, tax included, as it will be charged',
    );
    await page.getByRole('button', { name: 'Book', exact: true }).waitFor();
    await expect(overflowing()).resolves.toEqual([]);
    await page.close();
  });

  it('speaks Italian when asked, and the calendar overview links each service to its page', async () => {
    const service = await createService(server, owner, { name: 'Cabine' });
    const date = daysFromNow(10);
    await morning(service.id, date, [9]);
    const page = await openPage(service.id, date, '&lang=it');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('it');
    await expect(page.locator('#zone').textContent()).resolves.toBe(
      `Gli orari sono mostrati nel tuo fuso orario, ${VISITOR_ZONE}.`,
    );
    await page.locator('button.slot').first().click();
    await page.getByLabel('Adulti').waitFor();
    await page.getByRole('button', { name: 'Prenota' }).waitFor();

    await page.goto(`${origin()}/calendar/${owner.providerId}?month=${date.slice(0, 7)}`);
    await page.getByRole('link', { name: 'Cabine' }).click();
    await page.locator('h1', { hasText: 'Cabine' }).waitFor();
    await page.close();
  });

  it('books a free slot as a guest, in Italian, with answers: the seats are held and the confirmation mailed in Italian', async () => {
    const service = await createService(server, owner, {
      name: 'Ombrelloni',
      priceAmount: '0',
      questions: [
        { label: 'Cane?', kind: 'YES_NO', required: true },
        { label: 'Fila', kind: 'CHOICE', choices: ['Prima', 'Seconda'] },
      ],
    });
    const date = daysFromNow(11);
    const [slot] = await morning(service.id, date, [9]);
    const page = await openPage(service.id, date, '&lang=it');
    await slotButton(page, slot.id).click();
    await page.getByLabel('Adulti').fill('2');
    await page.getByLabel('Nome', { exact: true }).fill('Giulia Rossi');
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByRole('button', { name: 'Prenota', exact: true }).click();
    // Refusals in words, naming the field as the visitor saw it; a required answer first.
    await page.locator('#outcome.error').waitFor();
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(
      /^Controlla “(Email|Cane\? \(obbligatoria\)|Cane\?)”: /,
    );
    await page.getByLabel('Email', { exact: true }).fill('giulia@example.test');
    await page.getByLabel(/^Cane\?/).selectOption('yes');
    await page.getByLabel('Fila').selectOption('Prima');
    await page.getByLabel(/^Esigenze/).fill('Sedia a rotelle');
    await page.getByRole('button', { name: 'Prenota', exact: true }).click();
    await page.locator('#outcome.success').waitFor();
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(
      /^Quasi fatto: abbiamo inviato un link a giulia@example\.test\. Seguilo entro le \d\d:\d\d per confermare la prenotazione BK-/,
    );
    const [booking] = await server.sql<{ status: string; answers: unknown; special_requirements: string }>(
      'select status, answers, special_requirements from booking where service_id = $1',
      [service.id],
    );
    expect(booking).toEqual({
      status: 'PENDING_CONFIRMATION',
      special_requirements: 'Sedia a rotelle',
      answers: [
        { questionId: 'q1', question: 'Cane?', kind: 'YES_NO', value: 'yes' },
        { questionId: 'q2', question: 'Fila', kind: 'CHOICE', value: 'Prima' },
      ],
    });
    // The held seats show on the page at once (live), and the guest's email is in Italian.
    await page.locator(`button[data-slot-id="${slot.id}"][data-available="8"]`).waitFor();
    const [mail] = await storedMails(server, 'giulia@example.test');
    expect(mail.subject).toMatch(/^Conferma la tua prenotazione \(BK-/);
    await page.close();
  });

  /** A guest (`name`) queues on the page for `slotId` of `serviceId` on `date`, full; answers the entries of the slot. */
  async function joinOnThePage(serviceId: string, date: string, slotId: string, name: string) {
    const page = await openPage(serviceId, date);
    await slotButton(page, slotId).click();
    await expect(page.locator('#full-note').textContent()).resolves.toMatch(/join its waitlist/);
    await page.getByLabel('Name', { exact: true }).fill(`${name} Guest`);
    await page.getByLabel('Email', { exact: true }).fill(`${name.toLowerCase()}-waits@example.test`);
    await page.getByRole('button', { name: 'Join the waitlist', exact: true }).click();
    await page.locator('#outcome.success').waitFor();
    await expect(page.locator('#outcome').textContent()).resolves.toMatch(/^You are on the waitlist\./);
    await page.close();
    return server.sql<{ status: string; party_size: number }>(
      'select status, party_size from waitlist_entry where slot_id = $1',
      [slotId],
    );
  }

  it('lets a guest join the waitlist of a full slot', async () => {
    const service = await createService(server, owner, { name: 'Cabins', capacity: 2, priceAmount: '0' });
    const date = daysFromNow(13);
    const [slot] = await morning(service.id, date, [9]);
    await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 2 } } }, customer.token);
    expect(await joinOnThePage(service.id, date, slot.id, 'Marco')).toEqual([{ status: 'ACTIVE', party_size: 1 }]);
  });

  it('lets a guest join the waitlist of a full slot of a paid service (a claimed place is paid at Checkout)', async () => {
    const service = await createService(server, owner, {
      name: 'Cabanas',
      capacity: 1,
      priceAmount: '40.00',
      requiresPayment: true,
    });
    const date = daysFromNow(14);
    const [slot] = await morning(service.id, date, [9]);
    // Taken by a booking paid elsewhere (this server has no Stripe to take one through).
    await server.sql('update slot set booked = capacity where id = $1', [slot.id]);
    expect(await joinOnThePage(service.id, date, slot.id, 'Paola')).toEqual([{ status: 'ACTIVE', party_size: 1 }]);
  });

  it('selects a range of consecutive slots and sends the provider a proposal as a guest', async () => {
    const service = await createService(server, owner, {
      name: 'Gazebo',
      bookingMode: 'APPROVAL',
      priceAmount: '30.00',
    });
    const date = daysFromNow(12);
    const [nine, ten, eleven, noon] = await morning(service.id, date, [9, 10, 11, 12]);
    const page = await openPage(service.id, date);
    await slotButton(page, ten.id).click();
    await slotButton(page, eleven.id).click();
    await slotButton(page, nine.id).click();
    for (const slot of [nine, ten, eleven])
      await expect(slotButton(page, slot.id).getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(slotButton(page, noon.id).getAttribute('aria-pressed')).resolves.toBe('false');
    await expect(page.locator('#price').textContent()).resolves.toBe(
      'Price: 90.00 EUR, tax included, as it will be charged',
    );
    await page.getByLabel('Name', { exact: true }).fill('Marco Bianchi');
    await page.getByLabel('Email', { exact: true }).fill('marco@example.test');
    await page.getByRole('button', { name: 'Send the proposal' }).click();
    await page.locator('#outcome.success').waitFor();
    await expect(page.locator('#outcome').textContent()).resolves.toBe(
      'Your proposal was sent. The provider answers by email to marco@example.test.',
    );
    const proposals = await server.sql<{ status: string; slots: number[] }>(
      `select p.status, array_agg(ps.slot_id order by ps.slot_id) as slots from proposal p
         join proposal_slot ps on ps.proposal_id = p.id where p.service_id = $1 group by p.id`,
      [service.id],
    );
    expect(proposals).toEqual([{ status: 'PENDING', slots: [nine, ten, eleven].map((slot) => Number(slot.id)) }]);
    await page.close();
  });

  it('answers 404 in words for a service of another provider, and lets only the sites a provider lists frame its pages', async () => {
    const other = await signUp(server, 'PROVIDER', 'Other');
    const service = await createService(server, other, { name: 'Elsewhere' });
    const wrong = await fetch(`${origin()}/calendar/${owner.providerId}/${service.id}`);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toContain('No such service is open for booking.');

    const url = `${origin()}/calendar/${other.providerId}/${service.id}`;
    const closed = await fetch(url);
    expect(closed.status).toBe(200);
    expect(closed.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(closed.headers.get('x-frame-options')).toBe('DENY');

    const refused = await server.request(
      UpdateProviderProfileDocument,
      { input: { embedOrigins: ['https://www.lido.example/booking'] } },
      other.token,
    );
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'embedOrigins.0' });
    await server.ok(
      UpdateProviderProfileDocument,
      { input: { embedOrigins: ['https://www.lido.example', 'http://localhost:8080'] } },
      other.token,
    );
    for (const path of [url, `${origin()}/calendar/${other.providerId}`]) {
      const open = await fetch(path);
      expect(open.headers.get('content-security-policy')).toContain(
        'frame-ancestors https://www.lido.example http://localhost:8080',
      );
      expect(open.headers.get('x-frame-options')).toBeNull();
    }
    // Another provider's pages stay unframable.
    const mine = await fetch(`${origin()}/calendar/${owner.providerId}`);
    expect(mine.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
