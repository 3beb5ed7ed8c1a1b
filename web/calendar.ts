// The live part of the calendar page (src/server/calendar-page.ts): re-reads a service's month whenever
// graphql-ws reports a change to one of its slots, and redraws its cells in place.
import './calendar.css';
import { createClient } from 'graphql-ws';
import { cellView, type CalendarDay } from '../src/server/pages/calendar-cell';

const MAX_SERVICES_PER_SUBSCRIPTION = 100;
const endpoint = `${location.origin}/graphql`;
const table = document.querySelector<HTMLTableElement>('table[data-month]')!;
const month = table.dataset.month!;
const serviceIds = [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')].map((row) => row.dataset.serviceId!);

async function readMonth(serviceId: string): Promise<CalendarDay[]> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'query ($serviceId: ID!, $month: String!) { availability(serviceId: $serviceId, month: $month) { days { date slotCount availableSpots level blackout } } }',
      variables: { serviceId, month },
    }),
  });
  const result = (await response.json()) as { data?: { availability: { days: CalendarDay[] } }; errors?: unknown[] };
  if (!result.data) throw new Error(`availability of service ${serviceId}: ${JSON.stringify(result.errors)}`);
  return result.data.availability.days;
}

function draw(serviceId: string, days: CalendarDay[]): void {
  for (const day of days) {
    const cell = table.querySelector<HTMLTableCellElement>(
      `td[data-service-id="${serviceId}"][data-date="${day.date}"]`,
    );
    if (!cell) continue;
    const view = cellView(day);
    cell.textContent = view.text;
    cell.title = view.title;
    cell.className = view.className;
    for (const [name, value] of Object.entries(view.attributes)) cell.setAttribute(name, value);
  }
}

// One read per service at a time; changes that arrive meanwhile cost one more read, not one each.
const reading = new Set<string>();
const stale = new Set<string>();

function refresh(serviceId: string): void {
  if (reading.has(serviceId)) {
    stale.add(serviceId);
    return;
  }
  reading.add(serviceId);
  readMonth(serviceId)
    .then(
      (days) => draw(serviceId, days),
      (error) => console.error(error),
    )
    .finally(() => {
      reading.delete(serviceId);
      if (stale.delete(serviceId)) refresh(serviceId);
    });
}

const client = createClient({
  url: endpoint.replace(/^http/, 'ws'),
  retryAttempts: Infinity,
  shouldRetry: () => true,
  // Changes made while the socket was down were not pushed: read everything again after a reconnect.
  on: { connected: (_socket, _payload, wasRetry) => wasRetry && serviceIds.forEach(refresh) },
});

for (let start = 0; start < serviceIds.length; start += MAX_SERVICES_PER_SUBSCRIPTION) {
  client.subscribe<{ availabilityChanged: { serviceId: string } }>(
    {
      query: 'subscription ($serviceIds: [ID!]!) { availabilityChanged(serviceIds: $serviceIds) { serviceId } }',
      variables: { serviceIds: serviceIds.slice(start, start + MAX_SERVICES_PER_SUBSCRIPTION) },
    },
    {
      next: (result) => result.data && refresh(result.data.availabilityChanged.serviceId),
      error: (error) => console.error(error),
      complete: () => {},
    },
  );
}
