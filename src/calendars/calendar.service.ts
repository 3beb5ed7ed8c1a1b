import { LockMode } from '@mikro-orm/core';
import { actingProvider, manages, requireActor } from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import type { Booking } from '../booking/booking.entity';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../core/limits';
import type { SecretBox } from '../core/secret-box';
import { jobs } from '../jobs';
import { changingBusyTimes } from './calendar-busy';
import { CalendarBusy, CalendarConnection, CalendarSync } from './calendar.entity';
import { CalendarConnectionStatus, CalendarSyncStatus } from './calendar.enums';
import { CALENDAR_CONNECTION_STATES } from './calendar.state';
import { googleFailure, type GoogleApi } from './google-client';
import type { ConsentPage, ConsentProvider, OAuthFlows } from './oauth-flow';

const { ACTIVE, DISCONNECTED } = CalendarConnectionStatus;
const MAX_CONNECTIONS = 10;

/** A connection whose busy times are not read (blocking off) or not yet read again (reconnected): nothing to report. */
const BUSY_TIMES_UNREAD = { busyTimesFailing: false, busyTimesError: null, busyFailures: 0 };

/** A provider's calendar accounts: connecting one (OAuth consent), listing, blocking, resyncing, disconnecting. */
export class CalendarService {
  constructor(
    private readonly google: GoogleApi | undefined,
    private readonly tokens: SecretBox,
    readonly flows: OAuthFlows,
  ) {}

  private api(): GoogleApi {
    if (!this.google)
      throw new DomainError(
        'CALENDARS_NOT_CONFIGURED',
        'Google Calendar is not set up on this server (no GOOGLE_CLIENT_ID)',
      );
    return this.google;
  }

  /**
   * The start link of a Google consent for the calling provider (single use, 2 minutes), to open in the
   * provider's browser: it binds the consent to that browser, then sends it to Google (oauth-flow.ts).
   */
  async connect(ctx: RequestContext): Promise<string> {
    this.api();
    const provider = await actingProvider(ctx);
    return this.flows.ticket(ctx, 'google', provider.id);
  }

  /** The consent providers this server has set up, by the kind in their routes. */
  consentProviders(): Record<string, ConsentProvider> {
    const google = this.google;
    if (!google) return {};
    return {
      google: {
        consentUrl: (state, codeChallenge) => google.consentUrl(state, codeChallenge),
        complete: (ctx, providerId, code, codeVerifier) => this.connectGoogle(ctx, providerId, code, codeVerifier),
      },
    };
  }

  /**
   * A consent come back to the browser that started it (oauth-flow.ts). With no transaction open, the code
   * is exchanged (with its PKCE verifier), the account's address read and the dedicated calendar made and
   * shared; only then is the connection stored (a reconnected account becomes ACTIVE again) and its first
   * resync queued. Anything refused or failed stores nothing.
   */
  private async connectGoogle(
    ctx: RequestContext,
    providerId: number,
    code: string,
    codeVerifier: string,
  ): Promise<ConsentPage> {
    const google = this.api();
    const refused = (message: string): ConsentPage => ({
      status: 400,
      title: 'Google Calendar was not connected',
      message,
    });
    const provider = await ctx.em.findOneOrFail(Provider, providerId, { populate: ['user'] });
    const owner = provider.user.getEntity();
    let account: { refreshToken: string; email: string };
    let calendarId: string;
    let sharedWith: string[];
    try {
      account = await google.exchange(code, codeVerifier);
      const existing = await ctx.em.findOne(CalendarConnection, {
        provider,
        kind: 'google',
        accountEmail: account.email,
      });
      // A reconnected account keeps its calendar unless it was deleted in Google meanwhile (the resync queued
      // below then fills a new one); the owner of the account needs no share of its own calendar.
      sharedWith = existing?.sharedWith ?? (owner.email.toLowerCase() === account.email ? [] : [owner.email]);
      const kept =
        existing?.calendarId && (await google.calendarExists(account.refreshToken, existing.calendarId))
          ? existing.calendarId
          : undefined;
      calendarId =
        kept ??
        (await google.createCalendar(account.refreshToken, `${provider.name} bookings`, owner.timezone, sharedWith));
    } catch (error) {
      const failure = googleFailure(error);
      return {
        status: 502,
        title: 'Google Calendar was not connected',
        message: `Google could not complete the connection (${failure.message}). Start again from your account page.`,
      };
    }

    const connection = await inTransaction(ctx, async (tx) => {
      let row = await tx.em.findOne(
        CalendarConnection,
        { provider, kind: 'google', accountEmail: account.email },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!row) {
        if ((await tx.em.count(CalendarConnection, { provider, status: { $ne: DISCONNECTED } })) >= MAX_CONNECTIONS)
          return null;
        row = tx.em.create(CalendarConnection, { provider, accountEmail: account.email, createdAt: tx.clock.now() });
      } else CALENDAR_CONNECTION_STATES.assertMove(row.status, ACTIVE, 'user');
      Object.assign(row, {
        status: ACTIVE,
        refreshToken: this.tokens.seal(account.refreshToken),
        calendarId,
        sharedWith,
        lastError: null,
        ...BUSY_TIMES_UNREAD,
      });
      await tx.em.flush();
      tx.effects.addJob(jobs.calendarResync(row.id));
      if (row.blocksAvailability) tx.effects.addJob(jobs.calendarBusy(row.id));
      return row;
    });
    if (!connection) return refused(`You already have ${MAX_CONNECTIONS} connected accounts: disconnect one first.`);
    return {
      status: 200,
      title: 'Google Calendar connected',
      message: `Your bookings are being copied to the calendar "${provider.name} bookings" of ${account.email}${sharedWith.length ? `, shared with ${sharedWith.join(', ')}` : ''}. You can close this page.`,
    };
  }

  /** The calling provider's connections. */
  async mine(ctx: RequestContext): Promise<CalendarConnection[]> {
    const provider = await actingProvider(ctx);
    return ctx.em.find(
      CalendarConnection,
      { provider },
      { orderBy: { id: 'asc' }, limit: MAX_ROWS.calendarConnections },
    );
  }

  /** Stops every call for the account: DISCONNECTED at once, its busy times dropped, its grant revoked by a job. */
  async disconnect(ctx: RequestContext, id: string): Promise<boolean> {
    return inTransaction(ctx, async (tx) => {
      const connection = await this.owned(tx, id);
      if (connection.status === DISCONNECTED) return true;
      CALENDAR_CONNECTION_STATES.assertMove(connection.status, DISCONNECTED, 'user');
      await changingBusyTimes(tx, connection.provider.id, async () => {
        connection.status = DISCONNECTED;
        await tx.em.nativeDelete(CalendarBusy, { connection });
      });
      await tx.em.nativeUpdate(
        CalendarSync,
        { connection, status: { $in: [CalendarSyncStatus.PENDING, CalendarSyncStatus.RETRYING] } },
        {
          status: CalendarSyncStatus.FAILED,
          lastError: 'the account was disconnected',
          nextAttemptAt: null,
          updatedAt: tx.clock.now(),
        },
      );
      tx.effects.addJob(jobs.calendarRevoke(connection.id));
      return true;
    });
  }

  /** Turns busy-time blocking on (busy times are read at once, then every few minutes) or off (the slots reopen at once). */
  async setBlocking(ctx: RequestContext, id: string, blocks: boolean): Promise<CalendarConnection> {
    return inTransaction(ctx, async (tx) => {
      const connection = await this.owned(tx, id);
      if (!blocks) {
        await changingBusyTimes(tx, connection.provider.id, async () => {
          Object.assign(connection, { blocksAvailability: false, ...BUSY_TIMES_UNREAD });
          await tx.em.nativeDelete(CalendarBusy, { connection });
        });
      } else {
        connection.blocksAvailability = true;
        if (connection.status === ACTIVE) tx.effects.addJob(jobs.calendarBusy(connection.id));
      }
      return connection;
    });
  }

  /** Queues a comparison of the calendar with every future booking (and a fresh read of busy times). */
  async resync(ctx: RequestContext, id: string): Promise<CalendarConnection> {
    return inTransaction(ctx, async (tx) => {
      const connection = await this.owned(tx, id);
      if (connection.status !== ACTIVE)
        throw new DomainError(
          'INVALID_TRANSITION',
          `This connection is ${connection.status}: connect the account again first`,
          { status: connection.status },
        );
      tx.effects.addJob(jobs.calendarResync(connection.id));
      if (connection.blocksAvailability) tx.effects.addJob(jobs.calendarBusy(connection.id));
      return connection;
    });
  }

  /** A booking's syncs: its provider's and admins' view; nobody else sees any. */
  async syncsOf(ctx: RequestContext, booking: Booking): Promise<CalendarSync[]> {
    if (ctx.actor?.role !== Role.ADMIN && ctx.actor?.role !== Role.PROVIDER) return [];
    const service = await booking.service.loadOrFail();
    if (!(await manages(ctx, service.provider))) return [];
    return (await booking.calendarSyncs.load()).getItems().slice(0, MAX_ROWS.calendarConnections);
  }

  /** A connection of the calling provider, locked for the change (inside its transaction); another provider's is FORBIDDEN. */
  private async owned(ctx: TxContext, id: string): Promise<CalendarConnection> {
    const actor = requireActor(ctx);
    const connection = await ctx.em.findOne(CalendarConnection, parseId('id', id), {
      lockMode: LockMode.PESSIMISTIC_WRITE,
    });
    if (!connection) throw new NotFound('CalendarConnection', id);
    if ((await connection.provider.loadOrFail()).user.id !== actor.userId)
      throw new Forbidden('This calendar connection belongs to someone else');
    return connection;
  }
}
