import type { MikroORM } from '@mikro-orm/postgresql';
import escapeHtml from 'escape-html';
import { Router, type Response } from 'express';
import { graphql, type GraphQLSchema } from 'graphql';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { RequestContext } from '../core/context';
import { BadInput } from '../core/errors';
import { parseId } from '../core/ids';
import { monthRange } from '../scheduling/availability';
import { cellView, type CalendarDay } from './pages/calendar-cell';
import { embeddablePage } from './embedding';
import { WEB_ASSETS_PATH } from './web-assets';

export interface CalendarPageDeps {
  schema: GraphQLSchema;
  orm: MikroORM;
  clock: Clock;
  log: Logger;
}

interface ServiceRow {
  id: string;
  name: string;
  timezone: string;
}

const SERVICES = `query CalendarServices($providerId: ID!) {
  provider(id: $providerId) { name services { id name timezone } }
}`;

const AVAILABILITY = `query CalendarAvailability($providerId: ID!, $month: String!) {
  provider(id: $providerId) { services { id availability(month: $month) { days { date slotCount availableSpots level blackout } } } }
}`;

/**
 * The public live calendar of a provider, GET /calendar/:providerId?month=YYYY-MM: its active services in
 * rows, the month's days in columns. Read through the public GraphQL API, like any visitor would.
 */
export function calendarPage(deps: CalendarPageDeps): Router {
  const router = Router();
  router.get('/calendar/:providerId', embeddablePage(deps.orm), async (req, res) => {
    const providerId = req.params.providerId;
    const asked = typeof req.query.month === 'string' ? req.query.month : undefined;
    try {
      parseId('providerId', providerId);
      if (asked !== undefined) monthRange(asked);
      const { provider } = await pageQuery<{ provider: { name: string; services: ServiceRow[] } | null }>(
        deps,
        SERVICES,
        {
          providerId,
        },
      );
      if (!provider) return notFound(res, providerId);
      const month = asked ?? currentMonth(deps.clock, provider.services[0]?.timezone ?? 'UTC');
      const { provider: days } = await pageQuery<{
        provider: { services: { id: string; availability: { days: CalendarDay[] } }[] };
      }>(deps, AVAILABILITY, { providerId, month });
      const daysOf = new Map(days.services.map((service) => [service.id, service.availability.days]));
      return page(
        res,
        200,
        `${provider.name}: ${monthTitle(month)}`,
        calendarBody(providerId, provider.name, month, provider.services, daysOf),
      );
    } catch (error) {
      // A bad month is the visitor's to fix; an id that is no id names no provider.
      if (error instanceof BadInput)
        return error.details.field === 'month'
          ? page(res, 400, 'Bad month', `<p>${escapeHtml(error.message)}</p>`)
          : notFound(res, providerId);
      deps.log.error({ err: error, providerId }, 'calendar page failed');
      return page(res, 500, 'Something went wrong', '<p>The calendar could not be read. Try again in a moment.</p>');
    }
  });
  return router;
}

/** Runs a query of the public GraphQL API as an anonymous visitor: its data, or its first error thrown. */
export async function pageQuery<T>(
  deps: CalendarPageDeps,
  source: string,
  variableValues: Record<string, unknown>,
): Promise<T> {
  const contextValue: RequestContext = { em: deps.orm.em.fork(), clock: deps.clock };
  const result = await graphql({ schema: deps.schema, source, variableValues, contextValue });
  if (result.errors?.length) throw result.errors[0];
  return result.data as T;
}

/** The month (YYYY-MM) it is now in `zone`. */
export function currentMonth(clock: Clock, zone: string): string {
  return DateTime.fromJSDate(clock.now(), { zone }).toFormat('yyyy-MM');
}

function monthTitle(month: string): string {
  return DateTime.fromISO(`${month}-01`, { locale: 'en' }).toFormat('LLLL yyyy');
}

function shiftMonth(month: string, months: number): string {
  return DateTime.fromISO(`${month}-01`).plus({ months }).toFormat('yyyy-MM');
}

function calendarBody(
  providerId: string,
  providerName: string,
  month: string,
  services: ServiceRow[],
  daysOf: Map<string, CalendarDay[]>,
): string {
  const dates = Array.from({ length: DateTime.fromISO(`${month}-01`).daysInMonth! }, (_, index) =>
    DateTime.fromISO(`${month}-01`).plus({ days: index }),
  );
  const head = dates
    .map((date) => `<th scope="col"><span>${date.toFormat('ccccc', { locale: 'en' })}</span>${date.day}</th>`)
    .join('');
  const rows = services
    .map((service) => serviceRow(providerId, month, service, daysOf.get(service.id) ?? []))
    .join('\n');
  return `<header>
<h1>${escapeHtml(providerName)}</h1>
<nav><a rel="prev" href="?month=${shiftMonth(month, -1)}">&larr; ${monthTitle(shiftMonth(month, -1))}</a>
<strong>${monthTitle(month)}</strong>
<a rel="next" href="?month=${shiftMonth(month, 1)}">${monthTitle(shiftMonth(month, 1))} &rarr;</a></nav>
</header>
${services.length ? '' : '<p>No services are open for booking.</p>'}
<table data-month="${month}">
<thead><tr><th scope="col">Service</th>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="legend"><span class="level-high">many seats</span> <span class="level-medium">some</span> <span class="level-low">few</span> <span class="level-none">none</span> · seats left per day, updated live. Choose a service's name to book it.</p>
<script src="${WEB_ASSETS_PATH}/calendar.js"></script>`;
}

function serviceRow(providerId: string, month: string, service: ServiceRow, days: CalendarDay[]): string {
  const cells = days.map((day) => {
    const view = cellView(day);
    const attributes = Object.entries(view.attributes)
      .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
      .join('');
    return `<td data-service-id="${service.id}"${attributes} class="${view.className}" title="${escapeHtml(view.title)}">${escapeHtml(view.text)}</td>`;
  });
  return `<tr data-service-id="${service.id}"><th scope="row"><a href="/calendar/${providerId}/${service.id}?month=${month}">${escapeHtml(service.name)}</a></th>${cells.join('')}</tr>`;
}

function notFound(res: Response, providerId: string): void {
  page(res, 404, 'No such calendar', `<p>There is no provider ${escapeHtml(providerId)}.</p>`);
}

/**
 * A whole HTML page of the server's own (calendar, booking): `title` is escaped here, `body` is the
 * caller's escaped HTML; `lang` the language it is written in.
 */
export function page(res: Response, status: number, title: string, body: string, lang = 'en'): void {
  res
    .status(status)
    .type('html')
    .send(`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${WEB_ASSETS_PATH}/calendar.css">
</head>
<body>
${body}
</body>
</html>
`);
}
