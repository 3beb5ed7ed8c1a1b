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
import { CALENDAR_NAMES, type CalendarFailure, type CalendarKind } from './calendar-api';
import { googleFailure, type GoogleApi } from '../integrations/google/google-client';
import { microsoftFailure, type MicrosoftCalendar } from '../integrations/microsoft/microsoft-calendar';
import type { ConsentPage, ConsentProvider, OAuthFlows } from './oauth-flow';

const { ACTIVE, DISCONNECTED } = CalendarConnectionStatus;
const MAX_CONNECTIONS = 10;

/** A connection whose busy times are not read (blocking off) or not yet read again (reconnected): nothing to report. */
const BUSY_TIMES_UNREAD = { busyTimesFailing: false, busyTimesError: null, busyFailures: 0 };

/** What connecting an account made, before anything is stored: its address, its secret, and the dedicated calendar. */
interface ConnectedAccount {
  email: string;
  secret: string;
  calendarId: string;
  sharedWith: string[];
}

/** A provider's calendar accounts: connecting one (OAuth consent), listing, blocking, resyncing, disconnecting. */
export class CalendarService {
  private readonly google: GoogleApi | undefined;
  private readonly microsoft: MicrosoftCalendar | undefined;

  /** `calendars`: the adapters the settings turned on (src/integrations/registry.ts). */
  constructor(
    calendars: { google?: GoogleApi; microsoft?: MicrosoftCalendar },
    private readonly tokens: SecretBox,
    readonly flows: OAuthFlows,
  ) {
    this.google = calendars.google;
    this.microsoft = calendars.microsoft;
  }

  private configured(kind: CalendarKind): void {
    if (!this[kind])
      throw new DomainError(
        'CALENDARS_NOT_CONFIGURED',
        kind === 'google'
          ? 'Google Calendar is not set up on this server (no GOOGLE_CLIENT_ID)'
          : 'Microsoft 365 calendars are not set up on this server (no MICROSOFT_CLIENT_ID)',
      );
  }

  /**
   * The start link of a consent at Google or Microsoft for the calling provider (single use, 2 minutes), to
   * open in the provider's browser: it binds the consent to that browser, then sends it to the consent page (oauth-flow.ts).
   */
  async connect(ctx: RequestContext, kind: CalendarKind): Promise<string> {
    this.configured(kind);
    const provider = await actingProvider(ctx);
    return this.flows.ticket(ctx, kind, provider.id);
  }

  /** The consent providers this server has set up, by the kind in their routes. */
  consentProviders(): Record<string, ConsentProvider> {
    const { google, microsoft } = this;
    return {
      ...(google
        ? {
            google: {
              consentUrl: (state, codeChallenge) => google.consentUrl(state, codeChallenge),
              complete: (ctx, providerId, code, codeVerifier) =>
                this.complete(ctx, providerId, 'google', googleFailure, (provider, existing) =>
                  this.connectGoogle(provider, existing, code, codeVerifier),
                ),
            },
          }
        : {}),
      ...(microsoft
        ? {
            microsoft: {
              consentUrl: (state, codeChallenge) => microsoft.consentUrl(state, codeChallenge),
              complete: (ctx, providerId, code, codeVerifier) =>
                this.complete(ctx, providerId, 'microsoft', microsoftFailure, (provider, existing) =>
                  this.connectMicrosoft(microsoft, provider, existing, code, codeVerifier),
                ),
            },
          }
        : {}),
    } satisfies Record<string, ConsentProvider>;
  }

  /** Google: the code exchanged, the dedicated calendar kept (unless deleted in Google meanwhile) or made and shared. */
  private async connectGoogle(
    provider: Provider,
    existing: (email: string) => Promise<CalendarConnection | null>,
    code: string,
    codeVerifier: string,
  ): Promise<ConnectedAccount> {
    const google = this.google!;
    const owner = provider.user.getEntity();
    const account = await google.exchange(code, codeVerifier);
    const found = await existing(account.email);
    // The owner of the account needs no share of its own calendar.
    const sharedWith = found?.sharedWith ?? (owner.email.toLowerCase() === account.email ? [] : [owner.email]);
    const kept =
      found?.calendarId && (await google.calendarExists(account.refreshToken, found.calendarId))
        ? found.calendarId
        : undefined;
    const calendarId =
      kept ??
      (await google.createCalendar(account.refreshToken, `${provider.name} bookings`, owner.timezone, sharedWith));
    return { email: account.email, secret: account.refreshToken, calendarId, sharedWith };
  }

  /** Microsoft: the code redeemed through MSAL, the dedicated calendar kept (unless deleted in Outlook meanwhile) or made. */
  private async connectMicrosoft(
    microsoft: MicrosoftCalendar,
    provider: Provider,
    existing: (email: string) => Promise<CalendarConnection | null>,
    code: string,
    codeVerifier: string,
  ): Promise<ConnectedAccount> {
    const redeemed = await microsoft.exchange(code, codeVerifier);
    const account = microsoft.pending(redeemed.email, redeemed.secret);
    const found = await existing(account.email);
    const kept =
      found?.calendarId && (await microsoft.calendarExists(account, found.calendarId)) ? found.calendarId : undefined;
    const calendarId = kept ?? (await microsoft.createCalendar(account, `${provider.name} bookings`));
    // The cache as MSAL left it after these calls (a newer access token is kept, not asked again).
    return { email: account.email, secret: account.secret, calendarId, sharedWith: [] };
  }

  /**
   * A consent come back to the browser that started it (oauth-flow.ts). With no transaction open, the
   * account is connected at its service (`connect`: the code exchanged with its PKCE verifier, the
   * account's address read, the dedicated calendar made); only then is the connection stored (a
   * reconnected account becomes ACTIVE again) and its first resync queued. Anything refused or failed
   * stores nothing.
   */
  private async complete(
    ctx: RequestContext,
    providerId: number,
    kind: CalendarKind,
    failureOf: (error: unknown) => CalendarFailure,
    connect: (
      provider: Provider,
      existing: (email: string) => Promise<CalendarConnection | null>,
    ) => Promise<ConnectedAccount>,
  ): Promise<ConsentPage> {
    const names = CALENDAR_NAMES[kind];
    const provider = await ctx.em.findOneOrFail(Provider, providerId, { populate: ['user'] });
    let account: ConnectedAccount;
    try {
      account = await connect(provider, (accountEmail) =>
        ctx.em.findOne(CalendarConnection, { provider, kind, accountEmail }),
      );
    } catch (error) {
      return {
        status: 502,
        title: `${names.calendar} was not connected`,
        message: `${names.company} could not complete the connection (${failureOf(error).message}). Start again from your account page.`,
      };
    }

    const connection = await inTransaction(ctx, async (tx) => {
      let row = await tx.em.findOne(
        CalendarConnection,
        { provider, kind, accountEmail: account.email },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!row) {
        if ((await tx.em.count(CalendarConnection, { provider, status: { $ne: DISCONNECTED } })) >= MAX_CONNECTIONS)
          return null;
        row = tx.em.create(CalendarConnection, {
          provider,
          kind,
          accountEmail: account.email,
          createdAt: tx.clock.now(),
        });
      } else CALENDAR_CONNECTION_STATES.assertMove(row.status, ACTIVE, 'user');
      Object.assign(row, {
        status: ACTIVE,
        refreshToken: this.tokens.seal(account.secret),
        calendarId: account.calendarId,
        sharedWith: account.sharedWith,
        lastError: null,
        ...BUSY_TIMES_UNREAD,
      });
      await tx.em.flush();
      tx.effects.addJob(jobs.calendarResync(row.id));
      if (row.blocksAvailability) tx.effects.addJob(jobs.calendarBusy(row.id));
      return row;
    });
    if (!connection)
      return {
        status: 400,
        title: `${names.calendar} was not connected`,
        message: `You already have ${MAX_CONNECTIONS} connected accounts: disconnect one first.`,
      };
    const shared = account.sharedWith.length ? `, shared with ${account.sharedWith.join(', ')}` : '';
    return {
      status: 200,
      title: `${names.calendar} connected`,
      message: `Your bookings are being copied to the calendar "${provider.name} bookings" of ${account.email}${shared}. You can close this page.`,
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
