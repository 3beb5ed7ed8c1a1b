import net from 'node:net';
import type { Page } from 'playwright-core';
import { BookAsGuestDocument } from '../client/generated/graphql';
import { OfflineBrowser } from './support/browser';
import type { FakeStripe } from './support/fake-stripe';
import {
  createService,
  dailySlots,
  daysFromNow,
  jobsSettled,
  signUp,
  startWithStripe,
  stopAll,
} from './support/fixtures';
import { eventually } from './support/live';
import { Mailbox } from './support/mailbox';
import type { TestServer } from './support/server';

const mailbox = new Mailbox();
let stripe: FakeStripe;
let server: TestServer;
let browser: OfflineBrowser;
let freeSlots: string[];
let paidSlots: string[];
/** Four consecutive hours (09:00 to 13:00) of one day, free to book. */
let hours: string[];

/** A port free now: the server's PUBLIC_URL must be where the browser reaches it (emails and Checkout link back there). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The browser resolves no name but the server's (localhost): the local Stripe is reached by it too. */
const onLocalhost = (url: string) => url.replace('//127.0.0.1:', '//localhost:');

beforeAll(async () => {
  const port = await freePort();
  ({ stripe, server } = await startWithStripe({
    port,
    publicUrl: `http://localhost:${port}`,
    smtpUrl: `smtp://127.0.0.1:${await mailbox.start()}`,
    stripe: { timeoutMs: 2000 },
  }));
  stripe.webhookFor = server.url;
  browser = await OfflineBrowser.launch(server.url, [onLocalhost(stripe.url)]);
  const owner = await signUp(server, 'PROVIDER', 'Lido Azzurro');
  const free = await createService(server, owner, { capacity: 4, priceAmount: '0.00' });
  freeSlots = (await dailySlots(server, owner, free.id, daysFromNow(3), daysFromNow(5))).map((slot) => slot.id);
  const paid = await createService(server, owner, { capacity: 4, requiresPayment: true, priceAmount: '25.00' });
  paidSlots = (await dailySlots(server, owner, paid.id, daysFromNow(3), daysFromNow(4))).map((slot) => slot.id);
  const hourly = await createService(server, owner, { capacity: 4, priceAmount: '0.00', durationMinutes: 60 });
  hours = (await dailySlots(server, owner, hourly.id, daysFromNow(3), daysFromNow(3), { endTime: '13:00' })).map(
    (slot) => slot.id,
  );
});
afterAll(async () => {
  await browser?.close();
  await stopAll(server, mailbox, stripe);
});
afterEach(() => browser.expectClean());

const guest = (name: string) => ({ name, email: `${name.toLowerCase()}-${Date.now()}@example.test` });

/** The link the latest mail to `address` carries to its booking's manage page. */
async function manageLink(address: string, count = 1): Promise<string> {
  await jobsSettled(server);
  await eventually(async () => mailbox.to(address).length >= count);
  return /(http:\/\/localhost:\d+\/manage\/\S+)/.exec(mailbox.to(address)[count - 1].text ?? '')![1];
}

const status = (page: Page) => page.locator('[data-status]').getAttribute('data-status');

describe('a guest in the browser', () => {
  it('moves a booking of two hours to two other hours, one of them its own, keeping its length', async () => {
    const contact = guest('Marco');
    await server.ok(BookAsGuestDocument, { input: { slotIds: [hours[0], hours[1]], party: { adults: 2 }, contact } });
    const page = await browser.newPage();
    await page.goto(await manageLink(contact.email));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').getByText('Your booking is confirmed.').waitFor();
    // The runs of two hours it can move to: 10 to 12 (sharing its 10 o'clock hour) and 11 to 13.
    const choices = page.getByRole('radio');
    expect(await choices.count()).toBe(2);
    expect(await page.locator('fieldset label').first().textContent()).toMatch(/10:00.* to .*12:00/);
    await choices.first().check();
    await page.getByRole('button', { name: 'Move my booking' }).click();
    await page.getByRole('status').getByText('Your booking was moved.').waitFor();
    const held = await server.sql<{ id: number; booked: number }>(
      'select id, booked from slot where id = any($1::int[]) order by starts_at',
      [hours],
    );
    expect(held.map((slot) => slot.booked)).toEqual([0, 2, 2, 0]);
    const moved = await server.sql<{ slot_id: number }>(
      'select bs.slot_id from booking_slot bs join booking b on b.id = bs.booking_id where b.contact->>$1 = $2 order by 1',
      ['email', contact.email],
    );
    expect(moved.map((link) => String(link.slot_id))).toEqual([hours[1], hours[2]]);
    await page.close();
  });

  it('confirms a free booking from the emailed link, moves it to another day and cancels it', async () => {
    const contact = guest('Giulia');
    await server.ok(BookAsGuestDocument, { input: { slotIds: [freeSlots[0]], party: { adults: 2 }, contact } });
    const page = await browser.newPage();
    await page.goto(await manageLink(contact.email));
    expect(await status(page)).toBe('PENDING_CONFIRMATION');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').getByText('Your booking is confirmed.').waitFor();
    expect(await status(page)).toBe('CONFIRMED');

    // Keyboard only: pick the first other time, then move.
    await page.getByRole('radio').first().focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Why (optional)').first().fill('one day later');
    await page.getByRole('button', { name: 'Move my booking' }).click();
    await page.getByRole('status').getByText('Your booking was moved.').waitFor();
    const [moved] = await server.sql<{ slot_id: number }>(
      'select bs.slot_id from booking_slot bs join booking b on b.id = bs.booking_id where b.contact->>$1 = $2',
      ['email', contact.email],
    );
    expect(String(moved.slot_id)).toBe(freeSlots[1]);

    await page.locator('#cancel-reason').fill('we cannot come');
    await page.getByRole('button', { name: 'Cancel my booking' }).click();
    await page.getByRole('status').getByText('Your booking is cancelled.').waitFor();
    expect(await status(page)).toBe('CANCELLED');
    await page.getByText('we cannot come').waitFor();
    await page.close();
  });

  it("pays a paid slot on Stripe's Checkout page and comes back to the confirmed booking", async () => {
    const contact = guest('Marco');
    const { bookAsGuest } = await server.ok(BookAsGuestDocument, {
      input: { slotIds: [paidSlots[0]], party: { adults: 1 }, contact },
    });
    const page = await browser.newPage();
    await page.goto(onLocalhost(bookAsGuest.checkoutUrl!));
    await page.getByRole('heading', { name: 'Pay 25.00 EUR' }).waitFor();
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/manage\//);
    await jobsSettled(server);
    await eventually(async () => {
      await page.reload();
      return (await status(page)) === 'CONFIRMED';
    });
    await page.close();
  });
});
