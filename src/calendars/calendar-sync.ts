import { LockMode } from '@mikro-orm/core';
import { Booking } from '../booking/booking.entity';
import type { BookingAction, BookingChanged } from '../booking/booking-events';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { lockBookingWhere } from '../booking/booking-locks';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import type { SecretBox } from '../infra/secret-box';
import { run } from '../core/sql';
import { jobs } from '../jobs';
import type { Links } from '../notifications/links';
import type { NotificationService } from '../notifications/notification.service';
import type { CalendarAccount, CalendarApi, CalendarFailure, CalendarKind } from './calendar-api';
import type { CalendarConnectors, CalendarNames } from './calendar-connector';
import { changingBusyTimes } from './calendar-busy';
import {
  bookingEvents,
  bookingIdOfEvent,
  type CalendarEvent,
  CONFERENCE_KIND,
  differs,
  eventIdOf,
  hasEvent,
  type StoredEvent,
} from './calendar-event';
import { CalendarBusy, CalendarConnection, CalendarSync } from './calendar.entity';
import { CalendarConnectionStatus, CalendarSyncStatus } from './calendar.enums';
import { CALENDAR_CONNECTION_STATES } from './calendar.state';
import {
  advanceDaysOf,
  bookingsWithConnection,
  bookingWithConnections,
  pendingSyncs,
  syncedAsFound,
} from './calendar-sync.sql';

const { ACTIVE, NEEDS_REAUTH, DISCONNECTED } = CalendarConnectionStatus;
const { PENDING, RETRYING, SYNCED, FAILED } = CalendarSyncStatus;
const DAY_MS = 86_400_000;

/** Busy times are read again this often, as far ahead as the provider's services take bookings (at most 400 days). */
export const BUSY_REFRESH_MS = 5 * 60_000;
const BUSY_AHEAD_MAX_DAYS = 400;
/** Failed reads of busy times in a row after which they count as unreadable (a refusal counts at once). */
export const BUSY_FAILURES_TO_FAIL = 3;
/** A failed connection-wide call is tried again after this, doubling with each failure in a row, unless the service asks for longer. */
const CONNECTION_RETRY_MS = 60_000;
const MAX_BACKOFF_MS = 3_600_000;

/** The wait before the next try of a booking's sync: the service's Retry-After when given, else 5 s doubling up to an hour. */
export function retryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds) return retryAfterSeconds * 1000;
  return Math.min(5_000 * 2 ** Math.min(Math.max(attempts - 1, 0), 20), MAX_BACKOFF_MS);
}

/** The wait before a connection-wide call is tried again after `failures` failures in a row: a minute doubling up to an hour. */
function connectionRetryMs(failures: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds) return retryAfterSeconds * 1000;
  return Math.min(CONNECTION_RETRY_MS * 2 ** Math.min(Math.max(failures - 1, 0), 20), MAX_BACKOFF_MS);
}

/** Changes that leave a booking's events as they were, as long as its status keeps (or lacks) events alike. */
const LEAVES_EVENTS: ReadonlySet<BookingAction> = new Set([
  'booking.completed',
  'booking.no_show',
  'booking.refund_requested',
  'booking.refund_succeeded',
  'booking.refund_failed',
  'booking.payment_refunded',
]);

/**
 * Listener of booking changes (registered in `domain.ts`): the booking's events in each ACTIVE connection
 * of the service's provider are to be put in step, by a job. Written in the change's own statement, so it
 * exists exactly when the change committed. A booking that never had events (awaiting payment) needs none,
 * and a change that leaves its events as they are keeps its syncs as they stand: a Meet link arrives from
 * the calendar's own answer, and the events of the calendar that made it do not show it in their text.
 */
export function calendarListener(tx: TxContext, { action, booking, before, after }: BookingChanged): void {
  const had = before !== null && hasEvent(before.status);
  if (!hasEvent(after.status) && !had) return;
  if (had === hasEvent(after.status) && LEAVES_EVENTS.has(action)) return;
  // A link the calendar's own event made (Meet in Google, Teams in Microsoft) is already there; other calendars write it out.
  const made = action === 'booking.meeting_linked' ? CONFERENCE_KIND[booking.meetingProvider] : undefined;
  tx.effects.writeRows((name) =>
    pendingSyncs(name, bookingWithConnections(booking.id, booking.serviceId, made), tx.clock.now()),
  );
}

/** What one try of a sync left in the calendar: the ids of the booking's events there now, and a failure if it failed. */
interface SyncOutcome {
  eventIds: string[];
  meetingUrl: string | null;
  failure?: CalendarFailure;
}

/** A booking whose events were found in step, with the ids of its events. */
interface InStep {
  id: number;
  eventIds: string[];
}

const waiting = (status: CalendarSyncStatus) => status === PENDING || status === RETRYING;

/** Why a connection's sync cannot run until the provider acts. */
const needsReconnect = (names: CalendarNames) => `needs reconnect: ${names.company} refused the grant`;

/**
 * One try of a sync: the wanted events written, then those of runs the booking no longer has deleted.
 * A failure part way keeps every event that may be there now, to be put in step on the next try.
 */
async function writeEvents(
  api: CalendarApi,
  account: CalendarAccount,
  calendarId: string,
  wanted: CalendarEvent[],
  previous: string[],
): Promise<SyncOutcome> {
  const keep = new Set(wanted.map((event) => event.id));
  const written: string[] = [];
  let meetingUrl: string | null = null;
  try {
    for (const event of wanted) {
      const put = await api.putEvent(account, calendarId, event);
      written.push(event.id);
      meetingUrl ??= put.meetingUrl;
    }
    for (const id of previous.filter((id) => !keep.has(id))) await api.deleteEvent(account, calendarId, id);
    return { eventIds: [...keep], meetingUrl };
  } catch (error) {
    return { eventIds: [...new Set([...previous, ...written])], meetingUrl, failure: api.failure(error) };
  }
}

/** A failed try, noted on its connection and sync; a current sync is tried again later (backoff, Retry-After) or fails for good. */
async function recordFailure(
  tx: TxContext,
  sync: CalendarSync,
  current: boolean,
  failure: CalendarFailure,
  now: Date,
): Promise<void> {
  await tx.em.nativeUpdate(CalendarConnection, { id: sync.connection.id }, { lastError: failure.message });
  sync.lastError = failure.message;
  if (!current) return;
  if (failure.kind === 'retry') {
    const next = new Date(now.getTime() + retryDelayMs(sync.attempts, failure.retryAfterSeconds));
    Object.assign(sync, { status: RETRYING, nextAttemptAt: next });
    tx.effects.addJob(jobs.calendarSync(sync.booking.id, sync.connection.id, next));
  } else Object.assign(sync, { status: FAILED, nextAttemptAt: null });
}

/** The events of ours not cancelled, by the booking they belong to. */
function liveEventsByBooking(events: StoredEvent[]): Map<number, StoredEvent[]> {
  const liveOf = new Map<number, StoredEvent[]>();
  for (const event of events.filter((found) => !found.cancelled)) {
    const id = bookingIdOfEvent(event.id);
    if (id !== null) liveOf.set(id, [...(liveOf.get(id) ?? []), event]);
  }
  return liveOf;
}

/**
 * The bookings with events that the resync did not read (already ended, or not the provider's): those
 * still the provider's are to be synced; the rest are orphans, whose events are deleted.
 */
async function strayBookings(
  ctx: RequestContext,
  providerId: number,
  bookings: Booking[],
  liveOf: Map<number, StoredEvent[]>,
): Promise<{ ours: number[]; orphans: number[] }> {
  const known = new Set(bookings.map((booking) => booking.id));
  const strays = [...liveOf.keys()].filter((id) => !known.has(id));
  if (!strays.length) return { ours: [], orphans: [] };
  const found = await ctx.em.find(
    Booking,
    { id: { $in: strays }, service: { provider: providerId } },
    { fields: ['id'] },
  );
  const ours = found.map((booking) => booking.id);
  return { ours, orphans: strays.filter((id) => !ours.includes(id)) };
}

/**
 * The calendar jobs, independent of the calendar service (each connection's kind has its CalendarApi
 * adapter, which keeps that service's rules). Each
 * reads the CURRENT state when it runs (so coalesced or out-of-order jobs converge), calls the service
 * with no transaction open, and records the outcome in a short transaction that queues the next try
 * itself (backoff, the service's Retry-After), so a sync is retried until it is done.
 */
export class CalendarSyncer {
  constructor(
    private readonly calendars: CalendarConnectors,
    private readonly tokens: SecretBox,
    private readonly notifications: NotificationService,
    private readonly links: Links,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  private wantedEvents(booking: Booking, kind: CalendarKind) {
    const provider = booking.service.getEntity().provider.getEntity();
    const link = this.links.booking(booking.id, provider.user.id);
    return bookingEvents(booking, booking.service.getEntity(), booking.customer.getEntity(), link, kind);
  }

  /** The adapter of a connection's service; none when this server no longer has that service's settings. */
  private apiOf(connection: CalendarConnection): CalendarApi | undefined {
    return this.calendars.connector(connection.kind);
  }

  /**
   * A connection's account for its adapter. A secret sealed with an older CALENDAR_TOKEN_KEY is sealed again
   * with the newest; one the service replaced is stored (one short statement, no transaction held), unless
   * the account was disconnected meanwhile.
   */
  async account(ctx: RequestContext, connection: CalendarConnection): Promise<CalendarAccount> {
    const { secret, stale } = this.tokens.unseal(connection.refreshToken!);
    if (stale)
      await ctx.em.nativeUpdate(
        CalendarConnection,
        { id: connection.id, refreshToken: connection.refreshToken },
        { refreshToken: this.tokens.seal(secret) },
      );
    const account: CalendarAccount = {
      secret,
      email: connection.accountEmail,
      save: async (next) => {
        account.secret = next;
        await ctx.em.nativeUpdate(
          CalendarConnection,
          { id: connection.id, status: { $ne: DISCONNECTED } },
          { refreshToken: this.tokens.seal(next) },
        );
      },
    };
    return account;
  }

  /**
   * The calendar_sync job: the booking's events in one connection's calendar made to match the booking,
   * one per run of its consecutive slots; events of runs it no longer has are deleted.
   */
  async sync(ctx: RequestContext, bookingId: number, connectionId: number): Promise<void> {
    const row = await ctx.em.findOne(
      CalendarSync,
      { booking: bookingId, connection: connectionId },
      { populate: ['connection'] },
    );
    if (!row || !waiting(row.status)) return;
    const connection = row.connection.getEntity();
    const api = this.apiOf(connection);
    if (connection.status !== ACTIVE || !connection.calendarId || !api)
      return this.cannotSync(ctx, row, connection, !api);
    const booking = await ctx.em.findOne(Booking, bookingId, {
      populate: ['service.provider', 'customer', 'slots.slot'],
    });
    const account = await this.account(ctx, connection);
    const wanted = booking && hasEvent(booking.status) ? this.wantedEvents(booking, connection.kind) : [];
    // A booking never written here may still have its first event (a resync found it in step, or an older server wrote it).
    const previous = row.eventIds.length || wanted.length ? row.eventIds : [eventIdOf(bookingId)];
    const outcome = await writeEvents(api, account, connection.calendarId, wanted, previous);
    await this.recordSync(ctx, row.id, row.generation, bookingId, connectionId, outcome);
  }

  /** A sync queued before the account needed the provider: it cannot succeed until they reconnect (which resyncs). */
  private async cannotSync(
    ctx: RequestContext,
    row: CalendarSync,
    connection: CalendarConnection,
    noApi: boolean,
  ): Promise<void> {
    const lastError =
      connection.status === DISCONNECTED
        ? 'the account was disconnected'
        : noApi
          ? `${this.calendars.names(connection.kind).calendar} is not set up on this server any more`
          : needsReconnect(this.calendars.names(connection.kind));
    await ctx.em.nativeUpdate(
      CalendarSync,
      { id: row.id, status: { $in: [PENDING, RETRYING] }, generation: row.generation },
      { status: FAILED, lastError, nextAttemptAt: null, updatedAt: ctx.clock.now() },
    );
  }

  /** The outcome of one try of a sync, recorded unless a newer change came meanwhile; a conference link it made is kept. */
  private async recordSync(
    ctx: RequestContext,
    syncId: number,
    generation: number,
    bookingId: number,
    connectionId: number,
    { eventIds, meetingUrl, failure }: SyncOutcome,
  ): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      if (failure?.kind === 'grant') return this.lostGrant(tx, connectionId, failure.message);
      const sync = await tx.em.findOne(CalendarSync, syncId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!sync) return;
      // A change came while the service was called: the job it queued puts the newer state in step.
      const current = waiting(sync.status) && sync.generation === generation;
      Object.assign(sync, {
        attempts: sync.attempts + 1,
        eventIds,
        externalEventId: eventIds[0] ?? null,
        updatedAt: now,
      });
      if (failure) return recordFailure(tx, sync, current, failure, now);
      await tx.em.nativeUpdate(CalendarConnection, { id: connectionId }, { lastSyncedAt: now, lastError: null });
      if (current) Object.assign(sync, { status: SYNCED, lastError: null, nextAttemptAt: null });
      if (meetingUrl) {
        // The first conference made keeps the booking's link: another calendar's event has a Meet of its own.
        const booking = await lockBookingWhere(tx, { id: bookingId });
        if (booking && !booking.meetingUrl) await this.lifecycle.linkMeeting(tx, booking, meetingUrl);
      }
    });
  }

  /**
   * The grant was refused: the connection needs the provider (NEEDS_REAUTH), its waiting syncs cannot
   * succeed until then, and the provider is told once (the move happens once, under the row's lock). Its
   * busy times stop blocking, and open calendars hear of the slots that reopen.
   */
  private async lostGrant(tx: TxContext, connectionId: number, message: string): Promise<void> {
    const connection = await tx.em.findOne(CalendarConnection, connectionId, {
      lockMode: LockMode.PESSIMISTIC_WRITE,
      refresh: true,
      populate: ['provider'],
    });
    if (!connection) return;
    await tx.em.nativeUpdate(
      CalendarSync,
      { connection: connectionId, status: { $in: [PENDING, RETRYING] } },
      {
        status: FAILED,
        lastError: needsReconnect(this.calendars.names(connection.kind)),
        nextAttemptAt: null,
        updatedAt: tx.clock.now(),
      },
    );
    if (connection.status !== ACTIVE) return;
    CALENDAR_CONNECTION_STATES.assertMove(connection.status, NEEDS_REAUTH, 'server');
    await changingBusyTimes(tx, connection.provider.id, async () => {
      connection.status = NEEDS_REAUTH;
      connection.lastError = message;
    });
    await this.notifications.calendarNeedsReconnect(
      tx,
      connection.provider.getEntity().user.id,
      this.calendars.names(connection.kind),
      connection.accountEmail,
    );
  }

  /** A resync's call failed: a lost grant as above; otherwise noted, and tried again later unless the calendar is gone. */
  private async resyncFailed(ctx: RequestContext, connectionId: number, failure: CalendarFailure): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      if (failure.kind === 'grant') return this.lostGrant(tx, connectionId, failure.message);
      await tx.em.nativeUpdate(CalendarConnection, { id: connectionId }, { lastError: failure.message });
      if (failure.kind === 'retry')
        tx.effects.addJob(
          jobs.calendarResync(
            connectionId,
            new Date(tx.clock.now().getTime() + connectionRetryMs(1, failure.retryAfterSeconds)),
          ),
        );
    });
  }

  /**
   * The calendar_resync job: reads the dedicated calendar and every booking of the provider that has not
   * ended, and queues a sync for each booking whose events are missing or differ (hand edits, bookings
   * made before the account was connected, events of bookings that no longer have them). Events of ours
   * whose booking no longer exists are deleted here.
   */
  async resync(ctx: RequestContext, connectionId: number): Promise<void> {
    const connection = await ctx.em.findOne(CalendarConnection, connectionId);
    const api = connection && this.apiOf(connection);
    if (!connection || !api || connection.status !== ACTIVE || !connection.calendarId) return;
    const now = ctx.clock.now();
    const account = await this.account(ctx, connection);
    const bookings = await ctx.em.find(
      Booking,
      { service: { provider: connection.provider.id }, endsAt: { $gt: now } },
      { populate: ['service.provider', 'customer', 'slots.slot'] },
    );
    let events: StoredEvent[];
    try {
      events = await api.listEvents(account, connection.calendarId, now);
    } catch (error) {
      return this.resyncFailed(ctx, connectionId, api.failure(error));
    }
    const liveOf = liveEventsByBooking(events);
    const { stale, inStep } = this.compareEvents(bookings, liveOf, connection.kind, now);
    const { ours, orphans } = await strayBookings(ctx, connection.provider.id, bookings, liveOf);
    stale.push(...ours);
    try {
      for (const orphan of orphans)
        for (const event of liveOf.get(orphan)!) await api.deleteEvent(account, connection.calendarId, event.id);
    } catch (error) {
      return this.resyncFailed(ctx, connectionId, api.failure(error));
    }
    await this.recordResync(ctx, connectionId, now, stale, inStep);
  }

  /** Which bookings' events are stale (missing or differing) and which are in step, with the ids of their events. */
  private compareEvents(
    bookings: Booking[],
    liveOf: Map<number, StoredEvent[]>,
    kind: CalendarKind,
    now: Date,
  ): { stale: number[]; inStep: InStep[] } {
    const stale: number[] = [];
    const inStep: InStep[] = [];
    for (const booking of bookings) {
      const wanted = hasEvent(booking.status) ? this.wantedEvents(booking, kind) : [];
      // Events that ended are not listed: only those still to come are compared.
      const ahead = wanted.filter((event) => event.end > now);
      const live = new Map((liveOf.get(booking.id) ?? []).map((event) => [event.id, event]));
      const matches =
        live.size === ahead.length &&
        ahead.every((event) => {
          const found = live.get(event.id);
          return found !== undefined && !differs(found, event);
        });
      if (matches) inStep.push({ id: booking.id, eventIds: wanted.map((event) => event.id) });
      else stale.push(booking.id);
    }
    return { stale, inStep };
  }

  /** A resync's outcome, unless the connection stopped being ACTIVE meanwhile: stale bookings get a sync queued. */
  private async recordResync(
    ctx: RequestContext,
    connectionId: number,
    now: Date,
    stale: number[],
    inStep: InStep[],
  ): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const row = await tx.em.findOne(CalendarConnection, connectionId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        refresh: true,
      });
      if (row?.status !== ACTIVE) return;
      Object.assign(row, { lastSyncedAt: now, lastError: null });
      if (stale.length)
        tx.effects.writeRows((name) => pendingSyncs(name, bookingsWithConnection(stale, connectionId), now));
      if (inStep.length) {
        // Bookings already in step (also those made before the account was connected) read SYNCED; a queued sync is left to run.
        await run(tx.em, syncedAsFound(connectionId, inStep, now));
      }
    });
  }

  /** How far ahead busy times matter: as far as the provider's active services take bookings, and a day more. */
  private async busyHorizonMs(ctx: RequestContext, providerId: number): Promise<number> {
    const [{ days }] = await run(ctx.em, advanceDaysOf(providerId));
    return Math.min(days + 1, BUSY_AHEAD_MAX_DAYS) * DAY_MS;
  }

  /** The calendar_busy job: the busy times of a blocking connection's other calendars replace the ones read before. */
  async readBusy(ctx: RequestContext, connectionId: number): Promise<void> {
    const connection = await ctx.em.findOne(CalendarConnection, connectionId);
    const api = connection && this.apiOf(connection);
    if (!connection || !api || connection.status !== ACTIVE || !connection.blocksAvailability) return;
    const now = ctx.clock.now();
    const account = await this.account(ctx, connection);
    const until = new Date(now.getTime() + (await this.busyHorizonMs(ctx, connection.provider.id)));
    let periods;
    try {
      periods = await api.busy(account, connection.calendarId, now, until);
    } catch (error) {
      return this.busyReadFailed(ctx, connectionId, api.failure(error));
    }
    await inTransaction(ctx, async (tx) => {
      const row = await tx.em.findOne(CalendarConnection, connectionId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        refresh: true,
      });
      if (row?.status !== ACTIVE || !row.blocksAvailability) return;
      await changingBusyTimes(tx, row.provider.id, async () => {
        await tx.em.nativeDelete(CalendarBusy, { connection: connectionId });
        for (const period of periods)
          tx.em.create(CalendarBusy, { connection: row, startsAt: period.start, endsAt: period.end });
      });
      Object.assign(row, {
        busyTimesReadAt: now,
        lastError: null,
        busyFailures: 0,
        busyTimesError: null,
        busyTimesFailing: false,
      });
      tx.effects.addJob(jobs.calendarBusy(connectionId, new Date(now.getTime() + BUSY_REFRESH_MS)));
    });
  }

  /**
   * A read of busy times failed. The busy times read before keep closing slots; the read is tried again
   * with backoff. Refused for good, or failed BUSY_FAILURES_TO_FAIL times in a row, the connection shows
   * `busyTimesFailing` and the provider is emailed, once (under the row's lock), until a read works again.
   */
  private async busyReadFailed(ctx: RequestContext, connectionId: number, failure: CalendarFailure): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      if (failure.kind === 'grant') return this.lostGrant(tx, connectionId, failure.message);
      const row = await tx.em.findOne(CalendarConnection, connectionId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        refresh: true,
        populate: ['provider'],
      });
      if (row?.status !== ACTIVE || !row.blocksAvailability) return;
      Object.assign(row, {
        lastError: failure.message,
        busyTimesError: failure.message,
        busyFailures: row.busyFailures + 1,
      });
      const unreadable = failure.kind !== 'retry' || row.busyFailures >= BUSY_FAILURES_TO_FAIL;
      if (unreadable && !row.busyTimesFailing) {
        row.busyTimesFailing = true;
        await this.notifications.calendarBusyUnreadable(
          tx,
          row.provider.getEntity().user.id,
          this.calendars.names(row.kind),
          row.accountEmail,
          failure.message,
        );
      }
      const wait = connectionRetryMs(row.busyFailures, failure.retryAfterSeconds);
      tx.effects.addJob(jobs.calendarBusy(connectionId, new Date(tx.clock.now().getTime() + wait)));
    });
  }

  /** The calendar_revoke job: a disconnected account's grant is revoked, then its token forgotten. */
  async revoke(ctx: RequestContext, connectionId: number): Promise<void> {
    const connection = await ctx.em.findOne(CalendarConnection, connectionId);
    if (!connection || connection.status !== DISCONNECTED || !connection.refreshToken) return;
    const secret = this.tokens.open(connection.refreshToken);
    await this.apiOf(connection)?.revoke({ secret, email: connection.accountEmail, save: async () => {} });
    await ctx.em.nativeUpdate(CalendarConnection, { id: connectionId, status: DISCONNECTED }, { refreshToken: null });
  }
}
