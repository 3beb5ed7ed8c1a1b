import type { MikroORM } from '@mikro-orm/postgresql';
import escapeHtml from 'escape-html';
import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { User } from '../accounts/user.entity';
import { AuditEntry } from '../booking/audit-entry.entity';
import { Booking } from '../booking/booking.entity';
import { BookingStatus } from '../booking/booking.enums';
import { formatAmount } from '../core/money';
import type { Links } from '../notifications/links';
import { readerTime } from '../notifications/mail-time';
import { page } from './calendar-page';
import { pagePolicy } from './security-headers';

export interface BookingPageDeps {
  orm: MikroORM;
  links: Links;
  log: Logger;
}

/**
 * GET /bookings/:id?sig=<signature>: the read-only page a booking email links to when no APP_URL is set.
 * The signature names the participant the link was made for (Links), so no login is needed: the page
 * shows what that participant may see, in their zone, and no email address or phone of anyone. A
 * signature that is not ours, or not for this booking, answers the same 404 as a booking that does not exist.
 */
export function bookingPage(deps: BookingPageDeps): Router {
  const router = Router();
  router.get('/bookings/:id', pagePolicy, async (req, res) => {
    res.set('cache-control', 'private, no-store'); // Referrer-Policy: no-referrer comes with every answer
    const id = /^\d{1,10}$/.test(req.params.id) ? Number(req.params.id) : null;
    const readerId = id === null || typeof req.query.sig !== 'string' ? null : deps.links.reader(id, req.query.sig);
    try {
      const view = readerId === null ? null : await readView(deps.orm, id!, readerId);
      if (!view) return notFound(res);
      return page(res, 200, `Booking ${view.booking.reference}`, bookingBody(view));
    } catch (error) {
      deps.log.error({ err: error, bookingId: id }, 'booking page failed');
      return page(res, 500, 'Something went wrong', '<p>The booking could not be read. Try again in a moment.</p>');
    }
  });
  return router;
}

interface BookingView {
  booking: Booking;
  reader: User;
  side: 'customer' | 'provider';
  cancellationReason: string | null;
}

/** The booking as its participant `readerId` sees it; null when it is gone or they are no participant (any more). */
async function readView(orm: MikroORM, id: number, readerId: number): Promise<BookingView | null> {
  const em = orm.em.fork();
  const [booking, reader] = await Promise.all([
    em.findOne(Booking, id, { populate: ['service.provider', 'customer'] }),
    em.findOne(User, readerId),
  ]);
  if (!booking || !reader) return null;
  const side =
    reader.id === booking.customer.id
      ? 'customer'
      : reader.id === booking.service.getEntity().provider.getEntity().user.id
        ? 'provider'
        : null;
  if (!side) return null;
  const cancelled = await em.findOne(
    AuditEntry,
    { booking: id, action: 'booking.cancelled' },
    { orderBy: { id: 'desc' } },
  );
  return { booking, reader, side, cancellationReason: cancelled?.reason ?? null };
}

function bookingBody({ booking, reader, side, cancellationReason }: BookingView): string {
  const service = booking.service.getEntity();
  const when = (date: Date) => readerTime(date, reader.timezone, service.timezone);
  const rows: [string, string][] = [
    ['Service', escapeHtml(service.name)],
    side === 'customer'
      ? ['With', escapeHtml(service.provider.getEntity().name)]
      : ['Booked by', escapeHtml(booking.customer.getEntity().name)],
    ['Reference', escapeHtml(booking.reference)],
    ['Status', escapeHtml(booking.status.replace('_', ' ').toLowerCase())],
    ['From', escapeHtml(when(booking.startsAt))],
    ['To', escapeHtml(when(booking.endsAt))],
    ['Party', escapeHtml(`${booking.adults} adult(s), ${booking.children} child(ren), ${booking.infants} infant(s)`)],
    ['Total', escapeHtml(`${formatAmount(booking.total, booking.currency)} ${booking.currency}`)],
  ];
  if (booking.meetingUrl)
    rows.push([
      'Meeting',
      `<a href="${escapeHtml(booking.meetingUrl)}" rel="noreferrer">${escapeHtml(booking.meetingUrl)}</a>`,
    ]);
  if (side === 'provider' && booking.specialRequirements) rows.push(['Needs', escapeHtml(booking.specialRequirements)]);
  if (booking.status === BookingStatus.CANCELLED && cancellationReason)
    rows.push(['Cancellation reason', escapeHtml(cancellationReason)]);
  const review =
    side === 'customer' && booking.status === BookingStatus.COMPLETED
      ? `<h2>Review it</h2>
<p>Signed in to the API as ${escapeHtml(reader.name)}, send <code>createReview(bookingId: "${booking.id}", rating: 1 to 5, comment: "…")</code>.</p>`
      : '';
  return `<h1>Booking ${escapeHtml(booking.reference)}</h1>
<dl>
${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('\n')}
</dl>
${review}`;
}

function notFound(res: Response): void {
  page(res, 404, 'No such booking', '<p>This link does not open a booking. Use the link from your latest email.</p>');
}
