import { LockMode } from '@mikro-orm/core';
import { actingProvider, manages, requireActor } from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import type { Booking } from '../booking/booking.entity';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../graphql/limits';
import type { SecretBox } from '../infra/secret-box';
import { jobs } from '../jobs';
import { changingBusyTimes } from './calendar-busy';
import { CalendarBusy, CalendarConnection, CalendarSync } from './calendar.entity';
import { CalendarConnectionStatus, CalendarSyncStatus } from './calendar.enums';
import { CALENDAR_CONNECTION_STATES } from './calendar.state';
import type { CalendarAccount, CalendarKind } from './calendar-api';
import type { CalendarConnector, CalendarConnectors } from './calendar-connector';
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
  /** `calendars`: the calendar services of the registry (src/integrations/registry.ts), set up or not. */
  constructor(
    private readonly calendars: CalendarConnectors,
    private readonly tokens: SecretBox,
    readonly flows: OAuthFlows,
  ) {}

  /**
   * The start link of a consent at the calendar service of `kind` for the calling provider (single use, 2 minutes), to
   * open in the provider's browser: it binds the consent to that browser, then sends it to the consent page (oauth-flow.ts).
   */
  async connect(ctx: RequestContext, kind: CalendarKind): Promise<string> {
    if (!this.calendars.connector(kind)) {
      const names = this.calendars.names(kind);
      throw new DomainError(
        'CALENDARS_NOT_CONFIGURED',
        `${names.calendar} is not set up on this server (no ${names.setting})`,
      );
    }
    const provider = await actingProvider(ctx);
    return this.flows.ticket(ctx, kind, provider.id);
  }

  /** The consent providers this server has set up, by the kind in their routes. */
  consentProviders(): Record<string, ConsentProvider> {
    return Object.fromEntries(
      this.calendars.configured().map(({ kind, connector }) => {
        const provider: ConsentProvider = {
          consentUrl: (state, codeChallenge) => connector.consentUrl(state, codeChallenge),
          complete: (ctx, providerId, code, codeVerifier) =>
            this.complete(ctx, providerId, kind, connector, code, codeVerifier),
        };
        return [kind, provider];
      }),
    );
  }

  /**
   * The account at its service: the code exchanged, then the dedicated calendar kept (unless deleted there
   * meanwhile) or made, and shared with the provider's sign-in address when the account is another one.
   */
  private async connectAccount(
    ctx: RequestContext,
    provider: Provider,
    kind: CalendarKind,
    connector: CalendarConnector,
    code: string,
    codeVerifier: string,
  ): Promise<ConnectedAccount> {
    const owner = provider.user.getEntity();
    // Not stored yet: a secret the service replaces during these calls (MSAL's cache) is kept here.
    const account: CalendarAccount = {
      ...(await connector.exchange(code, codeVerifier)),
      save: async (next) => {
        account.secret = next;
      },
    };
    const found = await ctx.em.findOne(CalendarConnection, { provider, kind, accountEmail: account.email });
    // The owner of the account needs no share of its own calendar.
    const shareWith = found?.sharedWith ?? (owner.email.toLowerCase() === account.email ? [] : [owner.email]);
    const kept =
      found?.calendarId && (await connector.calendarExists(account, found.calendarId))
        ? { id: found.calendarId, sharedWith: shareWith }
        : undefined;
    const calendar =
      kept ??
      (await connector.createCalendar(account, {
        name: `${provider.name} bookings`,
        timezone: owner.timezone,
        shareWith,
      }));
    return { email: account.email, secret: account.secret, calendarId: calendar.id, sharedWith: calendar.sharedWith };
  }

  /**
   * A consent come back to the browser that started it (oauth-flow.ts). With no transaction open, the
   * account is connected at its service (`connectAccount`: the code exchanged with its PKCE verifier, the
   * account's address read, the dedicated calendar made); only then is the connection stored (a
   * reconnected account becomes ACTIVE again) and its first resync queued. Anything refused or failed
   * stores nothing.
   */
  private async complete(
    ctx: RequestContext,
    providerId: number,
    kind: CalendarKind,
    connector: CalendarConnector,
    code: string,
    codeVerifier: string,
  ): Promise<ConsentPage> {
    const names = this.calendars.names(kind);
    const provider = await ctx.em.findOneOrFail(Provider, providerId, { populate: ['user'] });
    let account: ConnectedAccount;
    try {
      account = await this.connectAccount(ctx, provider, kind, connector, code, codeVerifier);
    } catch (error) {
      return {
        status: 502,
        title: `${names.calendar} was not connected`,
        message: `${names.company} could not complete the connection (${connector.failure(error).message}). Start again from your account page.`,
      };
    }

    const connection = await this.storeConnection(ctx, provider, kind, account);
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

  /** The connected account stored ACTIVE (a reconnected one again) and its first resync queued; none past MAX_CONNECTIONS. */
  private async storeConnection(
    ctx: RequestContext,
    provider: Provider,
    kind: CalendarKind,
    account: ConnectedAccount,
  ): Promise<CalendarConnection | null> {
    return inTransaction(ctx, async (tx) => {
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
