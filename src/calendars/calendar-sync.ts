import { LockMode } from '@mikro-orm/core';
import { Booking } from '../booking/booking.entity';
import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { lockBookingWhere } from '../booking/booking-locks';
import type { Links } from '../notifications/links';
import { changingBusyTimes } from './calendar-busy';
import type { BookingChanged } from '../booking/booking-events';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import type { StatementParts } from '../core/effects';
import type { SecretBox } from '../core/secret-box';
import { CALENDAR_JOB_ATTEMPTS, jobs, type Job, type TaskName } from '../jobs';
import type { NotificationService } from '../notifications/notification.service';
import { CalendarBusy, CalendarConnection, CalendarSync } from './calendar.entity';
import { CalendarConnectionStatus, CalendarSyncStatus } from './calendar.enums';
import { CALENDAR_CONNECTION_STATES } from './calendar.state';
import { googleFailure, type GoogleApi, type GoogleFailure } from './google-client';
import { bookingIdOfEvent, differs, eventIdOf, eventOf, hasEvent, meetLinkOf } from './google-event';

const { ACTIVE, NEEDS_REAUTH, DISCONNECTED } = CalendarConnectionStatus;
const { PENDING, SYNCED, FAILED } = CalendarSyncStatus;

/** Busy times are read again this often, and this far ahead. */
export const BUSY_REFRESH_MS = 5 * 60_000;
const BUSY_AHEAD_MS = 400 * 86_400_000;
/** A failed connection-wide call (events.list, free/busy) is tried again after this, unless Google asks for longer. */
const CONNECTION_RETRY_MS = 60_000;
const MAX_BACKOFF_MS = 3_600_000;

/** The wait before the next try of a booking's sync: Google's Retry-After when given, else 5 s doubling up to an hour. */
export function retryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds) return retryAfterSeconds * 1000;
  return Math.min(5_000 * 2 ** Math.min(Math.max(attempts - 1, 0), 20), MAX_BACKOFF_MS);
}

/**
 * Marks the syncs of (booking, connection) pairs PENDING (a new generation, so that a job still calling
 * Google for an older state does not record it) and queues one calendar_sync job per pair, keyed so that
 * waiting jobs of a pair coalesce. `source` is a select of (booking_id, connection_id).
 */
function pendingSyncs(name: string, source: string, sourceParams: unknown[], at: Date): StatementParts {
  return {
    ctes: [
      `${name} as (insert into calendar_sync (booking_id, connection_id, status, attempts, generation, updated_at)
        select pair.booking_id, pair.connection_id, 'PENDING', 0, 0, ?::timestamptz from (${source}) as pair (booking_id, connection_id)
        on conflict (booking_id, connection_id) do update set status = 'PENDING', attempts = 0, last_error = null, generation = calendar_sync.generation + 1, updated_at = excluded.updated_at
        returning booking_id, connection_id)`,
    ],
    cteParams: [at.toISOString(), ...sourceParams],
    // The job key is jobKeys.calendarSync(booking, connection).
    calls: [
      `(select count(graphile_worker.add_job(?, json_build_object('bookingId', booking_id, 'connectionId', connection_id), job_key => 'calendar-sync:' || booking_id || ':' || connection_id, max_attempts => ?)) from ${name}) as ${name}`,
    ],
    callParams: ['calendar_sync' satisfies TaskName, CALENDAR_JOB_ATTEMPTS],
  };
}

/**
 * Listener of booking changes (registered in `domain.ts`): the booking's event in each ACTIVE connection
 * of the service's provider is to be put in step, by a job. Written in the change's own statement, so it
 * exists exactly when the change committed. A booking that never had an event (awaiting payment) needs none.
 */
export function calendarListener(tx: TxContext, { booking, before, after }: BookingChanged): void {
  if (!hasEvent(after.status) && !(before && hasEvent(before.status))) return;
  tx.effects.writeRows((name) =>
    pendingSyncs(
      name,
      `select ?::int, c.id from calendar_connection c join service s on s.provider_id = c.provider_id where s.id = ? and c.status = 'ACTIVE'`,
      [booking.id, booking.serviceId],
      tx.clock.now(),
    ),
  );
}

type SyncOutcome = { eventId: string | null; meetUrl: string | null } | GoogleFailure;

/**
 * The calendar jobs. Each reads the CURRENT state when it runs (so coalesced or out-of-order jobs
 * converge), calls Google with no transaction open, and records the outcome in a short transaction that
 * queues the next try itself (backoff, Google's Retry-After), so a sync is retried until it is done.
 */
export class CalendarSyncer {
  constructor(
    private readonly google: GoogleApi,
    private readonly tokens: SecretBox,
    private readonly notifications: NotificationService,
    private readonly links: Links,
    private readonly lifecycle: BookingLifecycle,
  ) {}

  private providerLink(booking: Booking): string {
    return this.links.booking(booking.id, booking.service.getEntity().provider.getEntity().user.id);
  }

  /** The refresh token of a connection; one sealed with an older CALENDAR_TOKEN_KEY is sealed again with the newest. */
  async token(ctx: RequestContext, connection: CalendarConnection): Promise<string> {
    const { secret, stale } = this.tokens.unseal(connection.refreshToken!);
    if (stale)
      await ctx.em.nativeUpdate(
        CalendarConnection,
        { id: connection.id, refreshToken: connection.refreshToken },
        { refreshToken: this.tokens.seal(secret) },
      );
    return secret;
  }

  /** The calendar_sync job: the booking's event in one connection's calendar made to match the booking. */
  async sync(ctx: RequestContext, bookingId: number, connectionId: number): Promise<void> {
    const row = await ctx.em.findOne(
      CalendarSync,
      { booking: bookingId, connection: connectionId },
      { populate: ['connection'] },
    );
    if (!row || row.status !== PENDING) return;
    const connection = row.connection.getEntity();
    if (connection.status !== ACTIVE || !connection.calendarId) {
      // Queued before the account needed the provider: it cannot succeed until they reconnect (which resyncs).
      const lastError =
        connection.status === DISCONNECTED
          ? 'the account was disconnected'
          : 'needs reconnect: Google refused the grant';
      await ctx.em.nativeUpdate(
        CalendarSync,
        { id: row.id, status: PENDING, generation: row.generation },
        { status: FAILED, lastError, updatedAt: ctx.clock.now() },
      );
      return;
    }
    const booking = await ctx.em.findOne(Booking, bookingId, { populate: ['service.provider', 'customer'] });
    const token = await this.token(ctx, connection);
    let outcome: SyncOutcome;
    try {
      if (booking && hasEvent(booking.status)) {
        const event = await this.google.putEvent(
          token,
          connection.calendarId,
          eventOf(booking, booking.service.getEntity(), booking.customer.getEntity(), this.providerLink(booking)),
        );
        outcome = { eventId: event.id ?? eventIdOf(bookingId), meetUrl: meetLinkOf(event) };
      } else {
        await this.google.deleteEvent(token, connection.calendarId, eventIdOf(bookingId));
        outcome = { eventId: null, meetUrl: null };
      }
    } catch (error) {
      outcome = googleFailure(error);
    }
    await this.recordSync(ctx, row.id, row.generation, bookingId, connectionId, outcome);
  }

  private async recordSync(
    ctx: RequestContext,
    syncId: number,
    generation: number,
    bookingId: number,
    connectionId: number,
    outcome: SyncOutcome,
  ): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      if ('kind' in outcome && outcome.kind === 'grant') return this.lostGrant(tx, connectionId, outcome.message);
      const sync = await tx.em.findOne(CalendarSync, syncId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      // A change came while Google was called: the job it queued records the newer state.
      const current = sync !== null && sync.status === PENDING && sync.generation === generation;
      if ('kind' in outcome) {
        await tx.em.nativeUpdate(CalendarConnection, { id: connectionId }, { lastError: outcome.message });
        if (!current) return;
        Object.assign(sync, { attempts: sync.attempts + 1, lastError: outcome.message, updatedAt: now });
        if (outcome.kind === 'gone') sync.status = FAILED;
        else
          tx.effects.addJob(
            jobs.calendarSync(
              bookingId,
              connectionId,
              new Date(now.getTime() + retryDelayMs(sync.attempts, outcome.retryAfterSeconds)),
            ),
          );
        return;
      }
      await tx.em.nativeUpdate(CalendarConnection, { id: connectionId }, { lastSyncedAt: now, lastError: null });
      if (current)
        Object.assign(sync, {
          status: SYNCED,
          externalEventId: outcome.eventId,
          attempts: sync.attempts + 1,
          lastError: null,
          updatedAt: now,
        });
      if (outcome.meetUrl) {
        const booking = await lockBookingWhere(tx, { id: bookingId });
        if (booking) await this.lifecycle.linkMeeting(tx, booking, outcome.meetUrl);
      }
    });
  }

  /**
   * Google refused the grant: the connection needs the provider (NEEDS_REAUTH), its waiting syncs cannot
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
      { connection: connectionId, status: PENDING },
      { status: FAILED, lastError: 'needs reconnect: Google refused the grant', updatedAt: tx.clock.now() },
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
      connection.accountEmail,
    );
  }

  /** A connection-wide call failed: a lost grant as above; otherwise noted, and tried again later unless the calendar is gone. */
  private async connectionCallFailed(
    ctx: RequestContext,
    connectionId: number,
    failure: GoogleFailure,
    again: (runAt: Date) => Job,
  ): Promise<void> {
    await inTransaction(ctx, async (tx) => {
      if (failure.kind === 'grant') return this.lostGrant(tx, connectionId, failure.message);
      await tx.em.nativeUpdate(CalendarConnection, { id: connectionId }, { lastError: failure.message });
      if (failure.kind === 'retry')
        tx.effects.addJob(
          again(
            new Date(
              tx.clock.now().getTime() +
                (failure.retryAfterSeconds ? failure.retryAfterSeconds * 1000 : CONNECTION_RETRY_MS),
            ),
          ),
        );
    });
  }

  /**
   * The calendar_resync job: reads the dedicated calendar and every booking of the provider that has not
   * ended, and queues a sync for each booking whose event is missing or differs (hand edits, bookings
   * made before the account was connected, events of bookings that no longer have one). Events of ours
   * whose booking no longer exists are deleted here.
   */
  async resync(ctx: RequestContext, connectionId: number): Promise<void> {
    const connection = await ctx.em.findOne(CalendarConnection, connectionId);
    if (!connection || connection.status !== ACTIVE || !connection.calendarId) return;
    const now = ctx.clock.now();
    const token = await this.token(ctx, connection);
    const bookings = await ctx.em.find(
      Booking,
      { service: { provider: connection.provider.id }, endsAt: { $gt: now } },
      { populate: ['service.provider', 'customer'] },
    );
    let events;
    try {
      events = await this.google.listEvents(token, connection.calendarId, now);
    } catch (error) {
      return this.connectionCallFailed(ctx, connectionId, googleFailure(error), (runAt) =>
        jobs.calendarResync(connectionId, runAt),
      );
    }
    const found = new Map(events.map((event) => [event.id, event]));
    const stale: number[] = [];
    const inStep: number[] = [];
    for (const booking of bookings) {
      const event = found.get(eventIdOf(booking.id));
      const live = event !== undefined && event.status !== 'cancelled';
      const matches = hasEvent(booking.status)
        ? live &&
          !differs(
            event,
            eventOf(booking, booking.service.getEntity(), booking.customer.getEntity(), this.providerLink(booking)),
          )
        : !live;
      (matches ? inStep : stale).push(booking.id);
    }
    const known = new Set(bookings.map((booking) => booking.id));
    const strays = events
      .filter((event) => event.status !== 'cancelled')
      .map((event) => bookingIdOfEvent(event.id))
      .filter((id): id is number => id !== null && !known.has(id));
    const ours = strays.length
      ? (
          await ctx.em.find(
            Booking,
            { id: { $in: strays }, service: { provider: connection.provider.id } },
            { fields: ['id'] },
          )
        ).map((booking) => booking.id)
      : [];
    stale.push(...ours);
    try {
      for (const orphan of strays.filter((id) => !ours.includes(id)))
        await this.google.deleteEvent(token, connection.calendarId, eventIdOf(orphan));
    } catch (error) {
      return this.connectionCallFailed(ctx, connectionId, googleFailure(error), (runAt) =>
        jobs.calendarResync(connectionId, runAt),
      );
    }
    await inTransaction(ctx, async (tx) => {
      const row = await tx.em.findOne(CalendarConnection, connectionId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        refresh: true,
      });
      if (row?.status !== ACTIVE) return;
      Object.assign(row, { lastSyncedAt: now, lastError: null });
      if (stale.length)
        tx.effects.writeRows((name) =>
          pendingSyncs(name, 'select unnest(?::int[]), ?::int', [`{${stale.join(',')}}`, connectionId], now),
        );
      if (inStep.length) {
        // Bookings already in step (also those made before the account was connected) read SYNCED; a queued sync is left to run.
        await tx.em.execute(
          `insert into calendar_sync (booking_id, connection_id, status, external_event_id, attempts, generation, updated_at)
           select pair.id, ?, 'SYNCED', pair.event_id, 0, 0, ? from unnest(?::int[], ?::text[]) as pair (id, event_id)
           on conflict (booking_id, connection_id) do update set status = 'SYNCED', external_event_id = excluded.external_event_id, last_error = null, updated_at = excluded.updated_at
           where calendar_sync.status <> 'PENDING'`,
          [connectionId, now.toISOString(), `{${inStep.join(',')}}`, `{${inStep.map(eventIdOf).join(',')}}`],
        );
      }
    });
  }

  /** The calendar_busy job: the busy times of a blocking connection's other calendars replace the ones read before. */
  async readBusy(ctx: RequestContext, connectionId: number): Promise<void> {
    const connection = await ctx.em.findOne(CalendarConnection, connectionId);
    if (!connection || connection.status !== ACTIVE || !connection.blocksAvailability) return;
    const now = ctx.clock.now();
    const token = await this.token(ctx, connection);
    let periods;
    try {
      periods = await this.google.busy(token, connection.calendarId, now, new Date(now.getTime() + BUSY_AHEAD_MS));
    } catch (error) {
      return this.connectionCallFailed(ctx, connectionId, googleFailure(error), (runAt) =>
        jobs.calendarBusy(connectionId, runAt),
      );
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
      Object.assign(row, { busyReadAt: now, lastError: null });
      tx.effects.addJob(jobs.calendarBusy(connectionId, new Date(now.getTime() + BUSY_REFRESH_MS)));
    });
  }

  /** The calendar_revoke job: a disconnected account's grant is revoked at Google, then its token forgotten. */
  async revoke(ctx: RequestContext, connectionId: number): Promise<void> {
    const connection = await ctx.em.findOne(CalendarConnection, connectionId);
    if (!connection || connection.status !== DISCONNECTED || !connection.refreshToken) return;
    try {
      await this.google.revoke(this.tokens.open(connection.refreshToken));
    } catch (error) {
      // 400: Google no longer knows the token (already revoked or expired), which is what was wanted.
      if ((error as { response?: { status?: number } }).response?.status !== 400) throw error;
    }
    await ctx.em.nativeUpdate(CalendarConnection, { id: connectionId, status: DISCONNECTED }, { refreshToken: null });
  }
}
