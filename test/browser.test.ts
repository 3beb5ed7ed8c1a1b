import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { BookDocument, CancelBookingDocument } from '../client/generated/graphql';
import { OfflineBrowser } from './support/browser';
import { createService, dailySlots, daysFromNow, ownerAndCustomer, type Account } from './support/fixtures';
import { eventually } from './support/live';
import { serverMetric, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let browser: OfflineBrowser;
let owner: Account;
let customer: Account;

beforeAll(async () => {
  server = await startTestServer();
  browser = await OfflineBrowser.launch(server.url);
  ({ owner, customer } = await ownerAndCustomer(server, 'Lido Azzurro'));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(() => browser.expectClean());

/** Runs `action` and waits until the server holds one more live subscription than before it. */
async function subscribed<T>(action: () => Promise<T>): Promise<T> {
  const before = await serverMetric(server.url, 'live_subscriptions_opened_total');
  const result = await action();
  await eventually(async () => (await serverMetric(server.url, 'live_subscriptions_opened_total')) > before);
  return result;
}

/** Replaces the text of a GraphiQL (Monaco) editor. */
async function write(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(editor).locator('.monaco-editor').filter({ visible: true }).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace'); // typing a bracket over a selection would wrap it
  await page.keyboard.insertText(text);
}

async function run(page: Page, query: string, variables: string): Promise<void> {
  await write(page, '.graphiql-query-editor', query);
  await page.getByRole('button', { name: 'Variables' }).click();
  await write(page, '.graphiql-editor-tool', variables);
  await page.getByRole('button', { name: /^Execute query/ }).click();
}

describe('the explorer', () => {
  it('runs a query with variables and a bearer token, and documents the schema from introspection', async () => {
    const service = await createService(server, owner, { name: 'Explorer-sector' });
    const page = await browser.newPage();
    const introspected = page.waitForRequest(
      (request) => request.method() === 'POST' && /__schema/.test(request.postData() ?? ''),
    );
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Headers' }).click();
    await write(page, '.graphiql-editor-tool', JSON.stringify({ authorization: `Bearer ${customer.token}` }));
    await run(
      page,
      'query ($id: ID!) { service(id: $id) { name capacity } me { email } }',
      JSON.stringify({ id: service.id }),
    );
    const response = page.locator('.graphiql-response');
    await response.getByText('"Explorer-sector"').waitFor();
    await response.getByText(`"${customer.email}"`).waitFor();
    await introspected;

    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByRole('link', { name: 'Query', exact: true }).click();
    // A field's description, as our schema writes it: it can only have come from the server.
    await docs.getByText("The caller's notifications, newest first, a page at a time.").waitFor();
    await page.close();
  });

  it('runs a subscription over graphql-ws, signed in with the token of the Headers tab', async () => {
    const service = await createService(server, owner, { name: 'Explorer-live' });
    const [slot] = await dailySlots(server, owner, service.id, daysFromNow(4), daysFromNow(4));
    const { book } = await server.ok(
      BookDocument,
      { input: { slotIds: [slot.id], party: { adults: 3 } } },
      customer.token,
    );
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Headers' }).click();
    await write(page, '.graphiql-editor-tool', JSON.stringify({ Authorization: `Bearer ${customer.token}` }));
    await subscribed(() =>
      run(
        page,
        'subscription ($id: ID!) { bookingChanged(id: $id) { reference status } }',
        JSON.stringify({ id: book.id }),
      ),
    );
    await server.ok(CancelBookingDocument, { id: book.id }, customer.token);
    await page.locator('.graphiql-response').getByText('"CANCELLED"').waitFor();
    await page.close();
  });
});

describe('the calendar page', () => {
  it('shows seats left per service and day, and redraws a cell when a booking is made through the API', async () => {
    const name = '<img src=x onerror=alert(1)> Umbrellas';
    const umbrellas = await createService(server, owner, { name, capacity: 10 });
    const loungers = await createService(server, owner, { name: 'Loungers', capacity: 4 });
    const day = daysFromNow(6);
    const month = day.slice(0, 7);
    const [slot] = await dailySlots(server, owner, umbrellas.id, day, day);
    await dailySlots(server, owner, loungers.id, day, day);

    const page = await browser.newPage();
    await subscribed(() => page.goto(server.url.replace('/graphql', `/calendar/${owner.providerId}?month=${month}`)));
    const cell = (serviceId: string, date: string) =>
      page.locator(`td[data-service-id="${serviceId}"][data-date="${date}"]`);
    await expect(page.locator(`tr[data-service-id="${umbrellas.id}"] th`).textContent()).resolves.toBe(name);
    await expect(page.locator(`td[data-service-id="${umbrellas.id}"]`).count()).resolves.toBe(
      DateTime.fromISO(`${month}-01`).daysInMonth,
    );
    await expect(cell(umbrellas.id, day).getAttribute('data-available')).resolves.toBe('10');
    await expect(cell(umbrellas.id, day).getAttribute('class')).resolves.toBe('level-high');
    await expect(cell(loungers.id, day).getAttribute('data-available')).resolves.toBe('4');
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    await server.ok(BookDocument, { input: { slotIds: [slot.id], party: { adults: 7 } } }, customer.token);
    await page.locator(`td[data-service-id="${umbrellas.id}"][data-date="${day}"][data-available="3"]`).waitFor();
    await expect(cell(umbrellas.id, day).getAttribute('class')).resolves.toBe('level-medium');
    await expect(cell(umbrellas.id, day).textContent()).resolves.toBe('3');
    await expect(cell(loungers.id, day).getAttribute('data-available')).resolves.toBe('4');
    await expect(page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);

    const next = DateTime.fromISO(`${month}-01`).plus({ months: 1 }).toFormat('yyyy-MM');
    await page.locator('a[rel=next]').click();
    await page.locator(`table[data-month="${next}"]`).waitFor();
    await page.close();
  });
});
