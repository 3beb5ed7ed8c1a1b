import { createHash, createHmac, randomBytes } from 'node:crypto';
import ical, { type ICalCalendar, ICalCalendarMethod } from 'ical-generator';
import { requireActor } from '../accounts/ownership';
import { Role } from '../accounts/role';
import { BookingStatus } from '../booking/booking.enums';
import { runLabel, runsOf } from '../booking/booking-runs';
import { guestLines } from '../booking/guest-lines';
import { inOneStatement, inTransaction, type RequestContext } from '../core/context';
import { run } from '../core/sql';
import type { Links } from '../notifications/links';
import { addBookingEvent, PRODUCT_ID, withZoneHeader } from '../notifications/invite';
import { createFeed, type FeedRow, feedBookings, feedOf, feedOwner, replaceFeed } from './feed.sql';

const DAY_MS = 24 * 3_600_000;
/** A provider's feed (and a customer's) shows bookings that start from 30 days ago to 365 days ahead. */
const FEED_WINDOW = { pastDays: 30, futureDays: 365 };
/** The most events one feed holds, the earliest first; a provider with more in the window sees the first ones. */
const MAX_EVENTS = 5_000;
/** How often calendar apps are asked to fetch the feed again (REFRESH-INTERVAL and X-PUBLISHED-TTL). */
const REFRESH_SECONDS = 3_600;
/** Bookings never confirmed (awaiting payment, or whose hold ran out) are not in any calendar. */
const SHOWN: BookingStatus[] = [
  BookingStatus.CONFIRMED,
  BookingStatus.COMPLETED,
  BookingStatus.NO_SHOW,
  BookingStatus.CANCELLED,
  BookingStatus.REFUNDED,
];
const CANCELLED: ReadonlySet<string> = new Set([BookingStatus.CANCELLED, BookingStatus.REFUNDED]);
/** 32 bytes of HMAC, base64url: what a feed URL carries. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** An ICS feed as served: the calendar text and when what it shows last changed. */
export interface RenderedFeed {
  body: string;
  lastModified: Date;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Secret ICS feeds (`GET /calendars/<token>.ics`): a provider's bookings, or a customer's own, readable by
 * any calendar app by URL alone. One feed per user; rotating it makes the old URL answer 404.
 */
export class CalendarFeedService {
  private readonly key: Buffer;

  /** `secret` is the server's signing key (JWT_SECRET): a feed token can be derived only with it. */
  constructor(
    private readonly publicUrl: string,
    secret: string,
    private readonly links: Links,
  ) {
    this.key = createHmac('sha256', secret).update('calendar-feed').digest();
  }

  private token(userId: number, nonce: string): string {
    return createHmac('sha256', this.key).update(`${userId}:${nonce}`).digest('base64url');
  }

  private url(token: string): string {
    return `${this.publicUrl}/calendars/${token}.ics`;
  }

  /** The caller's feed URL, made on first use; the same URL until it is rotated. */
  async feedUrl(ctx: RequestContext): Promise<string> {
    const { userId } = requireActor(ctx);
    return inTransaction(ctx, async (tx) => {
      const nonce = randomBytes(16).toString('hex');
      await run(tx.em, createFeed(userId, nonce, sha256(this.token(userId, nonce)), tx.clock.now()));
      const [row] = await run(tx.em, feedOf(userId));
      const token = this.token(userId, row.nonce);
      // A feed made under another server key (JWT_SECRET changed) can no longer be shown: it is replaced.
      return sha256(token) === row.token_hash ? this.url(token) : this.replace(tx, userId);
    });
  }

  /** A new secret URL for the caller's feed; the old one answers 404 from now on. */
  async rotate(ctx: RequestContext): Promise<string> {
    const { userId } = requireActor(ctx);
    return inOneStatement(ctx, (tx) => this.replace(tx, userId));
  }

  private async replace(ctx: RequestContext, userId: number): Promise<string> {
    const nonce = randomBytes(16).toString('hex');
    const token = this.token(userId, nonce);
    await run(ctx.em, replaceFeed(userId, nonce, sha256(token), ctx.clock.now()));
    return this.url(token);
  }

  /** The feed a token names, in two queries (its owner, then its bookings), or null when no feed has that token. */
  async render(ctx: RequestContext, token: string): Promise<RenderedFeed | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const [owner] = await run(ctx.em, feedOwner(sha256(token)));
    if (!owner) return null;
    const asProvider = owner.role === Role.PROVIDER && owner.provider_id !== null;
    const now = ctx.clock.now().getTime();
    const rows = await run(
      ctx.em,
      feedBookings(
        asProvider ? { column: 'provider_id', id: owner.provider_id! } : { column: 'customer_id', id: owner.user_id },
        SHOWN,
        new Date(now - FEED_WINDOW.pastDays * DAY_MS),
        new Date(now + FEED_WINDOW.futureDays * DAY_MS),
        MAX_EVENTS,
      ),
    );
    const calendar = ical({
      prodId: PRODUCT_ID,
      method: ICalCalendarMethod.PUBLISH,
      name: asProvider ? `${owner.provider_name} bookings` : `${owner.user_name}'s bookings`,
      ttl: REFRESH_SECONDS,
    });
    let lastModified = new Date(owner.created_at);
    for (const row of rows) {
      const updatedAt = new Date(row.updated_at);
      if (updatedAt > lastModified) lastModified = updatedAt;
      this.addEvents(calendar, row, asProvider, owner.user_id);
    }
    return { body: withZoneHeader(calendar.toString(), owner.timezone), lastModified };
  }

  /** A booking's events in a feed: one per run of consecutive slots (the gaps between separate sessions are not booked time). */
  private addEvents(calendar: ICalCalendar, row: FeedRow, asProvider: boolean, readerId: number): void {
    const runs = runsOf(row.slot_times.map((t) => ({ startsAt: new Date(t.startsAt), endsAt: new Date(t.endsAt) })));
    for (const [run, { startsAt, endsAt }] of runs.entries()) {
      addBookingEvent(calendar, {
        reference: row.reference,
        run,
        sequence: row.invite_sequence,
        cancelled: CANCELLED.has(row.status),
        start: startsAt,
        end: endsAt,
        summary: `${asProvider ? `${row.service_name}: ${row.customer_name}` : row.service_name} (${row.reference}${runLabel(run, runs.length)})`,
        description: this.description(row, asProvider, readerId),
        url: this.links.booking(row.id, readerId),
        location: row.meeting_url,
        stamp: new Date(row.updated_at),
      });
    }
  }

  private description(row: FeedRow, asProvider: boolean, readerId: number): string {
    return [
      ...(asProvider
        ? [
            `Customer: ${row.customer_name} <${row.customer_email}>`,
            ...guestLines({
              contact: row.contact,
              specialRequirements: row.special_requirements,
              dietaryRestrictions: row.dietary_restrictions,
              accessibilityNeeds: row.accessibility_needs,
            }),
          ]
        : [`With: ${row.provider_name}`]),
      `Reference: ${row.reference}`,
      `Status: ${row.status}`,
      `Party: ${row.adults} adult(s), ${row.children} child(ren), ${row.infants} infant(s)`,
      ...(row.meeting_url ? [`Meeting: ${row.meeting_url}`] : []),
      ...(row.notes ? [`Notes: ${row.notes}`] : []),
      `See it at ${this.links.booking(row.id, readerId)}`,
    ].join('\n');
  }
}
