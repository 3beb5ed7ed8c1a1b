import type { MikroORM } from '@mikro-orm/postgresql';
import escapeHtml from 'escape-html';
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { partySize } from '../booking/booking-rules';
import type { Clock } from '../core/clock';
import type { RequestContext } from '../core/context';
import { DomainError } from '../core/errors';
import { formatAmount } from '../core/money';
import { ManageLinkClosed, type ManageService } from '../guests/manage.service';
import type { ManagedBooking } from '../guests/guest.types';
import type { GuestBookingService } from '../guests/guest-booking.service';
import { NotFound } from '../core/errors';
import { readerTime } from '../notifications/mail-time';
import { byStart, Slot } from '../scheduling/slot.entity';
import { page } from './calendar-page';
import { pagePolicy } from './security-headers';

export interface ManagePageDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  manage: ManageService;
  guests: GuestBookingService;
}

/** How many of the service's next free times the page offers to move to. */
const CHOICES = 40;

/** A request's context: a fresh EntityManager, the clock, and who asks from where (for the audit). */
function requestContext(deps: ManagePageDeps, req: Request): RequestContext {
  return { em: deps.orm.em.fork(), clock: deps.clock, ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 500) };
}

/** A form field's text; absent or empty reads as null. */
function field(req: Request, name: string): string | null {
  return typeof req.body?.[name] === 'string' && req.body[name] !== '' ? req.body[name] : null;
}

/**
 * Runs an action and answers the booking page it leaves; a refused action answers the booking as it is (409)
 * with why, a closed link says so.
 */
async function show(
  deps: ManagePageDeps,
  req: Request,
  res: Response,
  status: number,
  notice: string,
  run: () => Promise<ManagedBooking>,
): Promise<void> {
  try {
    const view = await run();
    const runs = view.canReschedule ? await freeRuns(deps.orm, deps.clock, view) : [];
    page(res, status, `Booking ${view.booking.reference}`, manageBody(view, runs, notice));
  } catch (error) {
    if (error instanceof ManageLinkClosed)
      return page(
        res,
        error.reason === 'EXPIRED' ? 410 : 404,
        'This link does not open a booking',
        `<h1>This link does not open a booking</h1><p>${escapeHtml(error.message)}.</p>`,
      );
    if (error instanceof DomainError) {
      // The action was refused (a started booking, a full slot): the booking as it is, and why.
      const token = req.params.token as string;
      return show(deps, req, res, 409, error.message, () => deps.manage.view(requestContext(deps, req), token));
    }
    deps.log.error({ err: error }, 'manage page failed');
    page(res, 500, 'Something went wrong', '<p>The booking could not be read. Try again in a moment.</p>');
  }
}

/**
 * Something held for a guest that a mailed link accepts (a waitlist offer, a provider's counter-offer): GET
 * `/<path>/:token` shows only a form, since GET changes nothing (mail scanners open links); its POST
 * (`/<path>/:token/<action>`) accepts it and shows the booking made, as its manage link does.
 */
interface HeldForGuest {
  path: string;
  action: string;
  title: string;
  explain: string;
  button: string;
  /** What the booking page says once it is accepted. */
  done: string;
  /** Accepts it as the guest; answers the manage token of the booking made. */
  accept: (ctx: RequestContext, token: string) => Promise<string>;
}

function heldPage(res: Response, held: HeldForGuest, token: string): void {
  page(
    res,
    200,
    held.title,
    `<h1>${held.title}</h1>
<p>${held.explain}</p>
<form method="post" action="/${held.path}/${encodeURIComponent(token)}/${held.action}"><button type="submit">${held.button}</button></form>`,
  );
}

async function acceptHeld(deps: ManagePageDeps, req: Request, res: Response, held: HeldForGuest): Promise<void> {
  let token: string;
  try {
    token = await held.accept(requestContext(deps, req), req.params.token as string);
  } catch (error) {
    if (error instanceof NotFound)
      return page(res, 404, 'This link does not open an offer', '<h1>This link does not open an offer</h1>');
    if (error instanceof DomainError)
      return page(
        res,
        409,
        'This offer cannot be accepted',
        `<h1>This offer cannot be accepted</h1><p>${escapeHtml(error.message)}.</p>`,
      );
    deps.log.error({ err: error, page: held.path }, 'offer page failed');
    return page(res, 500, 'Something went wrong', '<p>The offer could not be accepted. Try again in a moment.</p>');
  }
  return show(deps, req, res, 200, held.done, () => deps.manage.view(requestContext(deps, req), token));
}

/**
 * GET /manage/:token: the page a booking email's manage link opens (docs/guest-bookings.md), no sign-in.
 * It shows the booking in its service's zone; its forms POST the actions (confirm, cancel with a reason,
 * move to other free slots, as many as it has), which ManageService runs as the API's manage mutations do. GET changes
 * nothing (mail scanners open links). Plain forms: no script, no inline style, under the pages' CSP.
 * GET /waitlist-offer/:token, the link of a guest's waitlist offer email, and GET /counter-offer/:token, that
 * of a guest's counter-offer email: a form whose POST claims the offer (as claimWaitlistOfferAsGuest) or
 * accepts the counter-offer (as acceptCounterProposal) and shows the booking made, as its manage link does.
 */
export function managePage(deps: ManagePageDeps): Router {
  const router = Router();
  const context = (req: Request) => requestContext(deps, req);
  const held: HeldForGuest[] = [
    {
      path: 'waitlist-offer',
      action: 'claim',
      title: 'A place is held for you',
      explain: 'The seats the email names are held for you until the time it gives. Claim them to book them.',
      button: 'Claim my place',
      done: 'Your place is booked.',
      accept: (ctx, token) => deps.guests.claimOffer(ctx, token),
    },
    {
      path: 'counter-offer',
      action: 'accept',
      title: 'The provider offers you another time',
      explain: 'The email names the times and the price offered, and until when you can accept them.',
      button: 'Accept the offer',
      done: 'Your booking is made.',
      accept: (ctx, token) => deps.guests.acceptCounterOffer(ctx, token),
    },
  ];
  router.use(['/manage', ...held.map((one) => `/${one.path}`)], pagePolicy, (_req, res, next) => {
    res.set('cache-control', 'private, no-store'); // Referrer-Policy: no-referrer comes with every answer
    next();
  });
  router.get('/manage/:token', (req, res) =>
    show(deps, req, res, 200, '', () => deps.manage.view(context(req), req.params.token)),
  );
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  router.post('/manage/:token/confirm', form, (req, res) =>
    show(deps, req, res, 200, 'Your booking is confirmed.', () => deps.manage.confirm(context(req), req.params.token)),
  );
  router.post('/manage/:token/cancel', form, (req, res) =>
    show(deps, req, res, 200, 'Your booking is cancelled.', () =>
      deps.manage.cancel(context(req), req.params.token, field(req, 'reason')),
    ),
  );
  router.post('/manage/:token/reschedule', form, (req, res) =>
    show(deps, req, res, 200, 'Your booking was moved.', () =>
      deps.manage.reschedule(
        context(req),
        req.params.token,
        (field(req, 'slotIds') ?? '').split(','),
        field(req, 'reason'),
      ),
    ),
  );
  for (const one of held) {
    router.get(`/${one.path}/:token`, (req, res) => heldPage(res, one, req.params.token));
    router.post(`/${one.path}/:token/${one.action}`, form, (req, res) => acceptHeld(deps, req, res, one));
  }
  return router;
}

/**
 * The service's next runs of open slots as long as the booking (each slot starting when the one before ends),
 * with room for its party, the seats of its own slots counted as free (a move one hour on keeps the hour they
 * share); the run it has now is left out. A booking of several slots moves whole: one slot would shorten it.
 */
async function freeRuns(orm: MikroORM, clock: Clock, view: ManagedBooking): Promise<Slot[][]> {
  const now = clock.now();
  const seats = partySize(view.booking.party);
  const own = new Set(view.booking.times.map((time) => time.startsAt.getTime()));
  const isOwn = (slot: Slot) => own.has(slot.startsAt.getTime());
  const length = view.booking.times.length;
  const slots = await orm.em
    .fork()
    .find(
      Slot,
      { service: Number(view.serviceId), startsAt: { $gt: now } },
      { orderBy: { startsAt: 'asc' }, limit: 400 },
    );
  slots.sort(byStart);
  const runs: Slot[][] = [];
  for (let first = 0; first + length <= slots.length && runs.length < CHOICES; first += 1) {
    const run = slots.slice(first, first + length);
    const follows = run.every((slot, i) => i === 0 || slot.startsAt.getTime() === run[i - 1].endsAt.getTime());
    const room = run.every((slot) => slot.seatsAvailable(now, isOwn(slot) ? seats : 0) >= seats);
    if (follows && room && !run.every(isOwn)) runs.push(run);
  }
  return runs;
}

/** The booking's facts, as term and value (HTML). */
function bookingRows(booking: ManagedBooking['booking'], when: (date: Date) => string): [string, string][] {
  const rows: [string, string][] = [
    ['Service', escapeHtml(booking.serviceName)],
    ['With', escapeHtml(booking.providerName)],
    ['Reference', escapeHtml(booking.reference)],
    [
      'Status',
      `<span data-status="${booking.status}">${escapeHtml(booking.status.replace('_', ' ').toLowerCase())}</span>`,
    ],
    ...booking.times.map((time): [string, string] => ['When', `${when(time.startsAt)} to ${when(time.endsAt)}`]),
    [
      'Party',
      escapeHtml(
        `${booking.party.adults} adult(s), ${booking.party.children} child(ren), ${booking.party.infants} infant(s)`,
      ),
    ],
    [
      'Total',
      escapeHtml(
        `${formatAmount(booking.price.total.amount, booking.price.total.currency)} ${booking.price.total.currency}`,
      ),
    ],
    ['Times shown in', escapeHtml(booking.timezone)],
  ];
  if (booking.holdExpiresAt) rows.push(['Held until', when(booking.holdExpiresAt)]);
  if (booking.cancellationReason) rows.push(['Cancellation reason', escapeHtml(booking.cancellationReason)]);
  return rows;
}

/** The form that moves the booking to one of `runs`. */
function moveForm(action: string, runs: Slot[][], when: (date: Date) => string): string {
  return `<h2>Move it</h2>
<form method="post" action="${action}">
<fieldset><legend>Another time</legend>
${runs
  .map(
    (run) =>
      `<label><input type="radio" name="slotIds" value="${run.map((slot) => slot.id).join(',')}" required> ${when(run[0].startsAt)} to ${when(run.at(-1)!.endsAt)}</label><br>`,
  )
  .join('\n')}
</fieldset>
<label for="move-reason">Why (optional)</label> <input id="move-reason" name="reason" maxlength="2000">
<button type="submit">Move my booking</button>
</form>`;
}

/** The page's body: the booking, and a form for each action it allows. */
function manageBody(view: ManagedBooking, runs: Slot[][], notice: string): string {
  const { booking, token } = view;
  const when = (date: Date) => escapeHtml(readerTime(date, booking.timezone, booking.timezone));
  const action = (name: string) => `/manage/${encodeURIComponent(token)}/${name}`;
  const rows = bookingRows(booking, when);
  const parts = [
    `<h1>Booking ${escapeHtml(booking.reference)}</h1>`,
    notice ? `<p role="status">${escapeHtml(notice)}</p>` : '',
    `<dl>\n${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('\n')}\n</dl>`,
  ];
  if (view.canConfirm)
    parts.push(`<form method="post" action="${action('confirm')}"><button type="submit">Confirm</button></form>`);
  if (view.checkoutUrl)
    parts.push(`<p><a href="${escapeHtml(view.checkoutUrl)}" rel="noreferrer">Pay now</a> to confirm it.</p>`);
  if (view.canReschedule && runs.length > 0) parts.push(moveForm(action('reschedule'), runs, when));
  if (view.canCancel)
    parts.push(`<h2>Cancel it</h2>
<p>What cancelling gives back follows the cancellation policy agreed when booking.</p>
<form method="post" action="${action('cancel')}">
<label for="cancel-reason">Why (optional)</label> <input id="cancel-reason" name="reason" maxlength="2000">
<button type="submit">Cancel my booking</button>
</form>`);
  return parts.filter(Boolean).join('\n');
}
