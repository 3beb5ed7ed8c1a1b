import { createHash, randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { actingProvider, manages, requireActor } from '../accounts/ownership';
import { Provider } from '../accounts/provider.entity';
import { Role } from '../accounts/role';
import type { Booking } from '../booking/booking.entity';
import { inTransaction, type RequestContext, type TxContext } from '../core/context';
import { DomainError, Forbidden, NotFound } from '../core/errors';
import { parseId } from '../core/ids';
import { MAX_ROWS } from '../core/limits';
import { SecretBox } from '../core/secret-box';
import { jobs } from '../jobs';
import { changingBusyTimes } from './calendar-busy';
import { CalendarBusy, CalendarConnection, CalendarSync, OAuthState } from './calendar.entity';
import { CalendarConnectionStatus, CalendarSyncStatus } from './calendar.enums';
import { CALENDAR_CONNECTION_STATES } from './calendar.state';
import { googleFailure, type GoogleApi } from './google-client';

const { ACTIVE, DISCONNECTED } = CalendarConnectionStatus;
const STATE_TTL_MS = 10 * 60_000;
const MAX_CONNECTIONS = 10;

const hashOf = (state: string) => createHash('sha256').update(state).digest('hex');

/** What the OAuth callback shows the provider's browser. */
export interface ConsentPage {
  status: number;
  title: string;
  message: string;
}

/** The callback's query: Google sends `code` and `state`, or `error` (e.g. access_denied) and `state`. */
export interface ConsentAnswer {
  code?: string;
  state?: string;
  error?: string;
}

/** A provider's calendar accounts: connecting one (OAuth consent), listing, blocking, resyncing, disconnecting. */
export class CalendarService {
  constructor(
    private readonly google: GoogleApi | undefined,
    private readonly tokens: SecretBox,
  ) {}

  private api(): GoogleApi {
    if (!this.google)
      throw new DomainError(
        'CALENDARS_NOT_CONFIGURED',
        'Google Calendar is not set up on this server (no GOOGLE_CLIENT_ID)',
      );
    return this.google;
  }

  /** Google's consent URL, with a single-use `state` bound to the calling provider (stored hashed, 10 minutes). */
  async connect(ctx: RequestContext): Promise<string> {
    const google = this.api();
    const provider = await actingProvider(ctx);
    const state = randomBytes(32).toString('base64url');
    const now = ctx.clock.now();
    await inTransaction(ctx, async (tx) => {
      await tx.em.nativeDelete(OAuthState, { expiresAt: { $lte: now } });
      tx.em.create(OAuthState, { hash: hashOf(state), provider, expiresAt: new Date(now.getTime() + STATE_TTL_MS) });
    });
    return google.consentUrl(state);
  }

  /**
   * GET /oauth/google/callback. The state is used up first (whatever follows); then, with no transaction
   * open, the code is exchanged, the account's address read and the dedicated calendar made and shared;
   * only then is the connection stored (a reconnected account becomes ACTIVE again) and its first resync
   * queued. Anything refused or failed stores nothing.
   */
  async completeConsent(ctx: RequestContext, answer: ConsentAnswer): Promise<ConsentPage> {
    const google = this.api();
    const refused = (message: string): ConsentPage => ({
      status: 400,
      title: 'Google Calendar was not connected',
      message,
    });
    if (!answer.state) return refused('The answer from Google has no state. Start again from your account page.');
    const providerId = await inTransaction(ctx, async (tx) => {
      const rows = await tx.em.execute<{ provider_id: number }[]>(
        'delete from oauth_state where hash = ? and expires_at > ? returning provider_id',
        [hashOf(answer.state!), tx.clock.now().toISOString()],
      );
      return rows[0]?.provider_id;
    });
    if (!providerId)
      return refused(
        'This link is not valid: it was already used, has expired, or was not made by this server. Start again from your account page.',
      );
    if (answer.error)
      return refused(
        answer.error === 'access_denied'
          ? 'You declined access in Google, so nothing was connected.'
          : `Google answered "${answer.error.slice(0, 100)}"; nothing was connected.`,
      );
    if (!answer.code) return refused('The answer from Google has no code. Start again from your account page.');

    const provider = await ctx.em.findOneOrFail(Provider, providerId, { populate: ['user'] });
    const owner = provider.user.getEntity();
    let account: { refreshToken: string; email: string };
    let calendarId: string;
    let sharedWith: string[];
    try {
      account = await google.exchange(answer.code);
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
        { connection, status: CalendarSyncStatus.PENDING },
        { status: CalendarSyncStatus.FAILED, lastError: 'the account was disconnected', updatedAt: tx.clock.now() },
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
          connection.blocksAvailability = false;
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
