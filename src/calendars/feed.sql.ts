import type { BookingStatus } from '../booking/booking.enums';
import type { Contact } from '../booking/contact';
import type { Role } from '../accounts/role';
import { pgArray, type Statement } from '../core/sql';

/** A feed's owner: the user, and the provider when the user is one. */
export interface FeedOwner {
  user_id: number;
  user_name: string;
  role: Role;
  timezone: string;
  provider_id: number | null;
  provider_name: string | null;
  created_at: Date;
}

/** A booking as a feed shows it. */
export interface FeedRow {
  id: number;
  reference: string;
  status: BookingStatus;
  starts_at: Date;
  ends_at: Date;
  adults: number;
  children: number;
  infants: number;
  meeting_url: string | null;
  notes: string | null;
  contact: Contact | null;
  special_requirements: string | null;
  dietary_restrictions: string | null;
  accessibility_needs: string | null;
  invite_sequence: number;
  updated_at: Date;
  service_name: string;
  provider_name: string;
  customer_name: string;
  customer_email: string;
  /** The booking's slots' times, for its runs of consecutive slots. */
  slot_times: { startsAt: string; endsAt: string }[];
}

/** A user's feed, made by the first call; a concurrent first call waits for it and then finds the row it made. */
export const createFeed = (userId: number, nonce: string, tokenHash: string, now: Date): Statement<never> => ({
  sql: `insert into calendar_feed (user_id, nonce, token_hash, created_at) values (?, ?, ?, ?) on conflict (user_id) do nothing`,
  params: [userId, nonce, tokenHash, now],
});

export const feedOf = (userId: number): Statement<{ nonce: string; token_hash: string }> => ({
  sql: 'select nonce, token_hash from calendar_feed where user_id = ?',
  params: [userId],
});

/** A user's feed under a new token: the old one names no feed from now on. */
export const replaceFeed = (userId: number, nonce: string, tokenHash: string, now: Date): Statement<never> => ({
  sql: `insert into calendar_feed (user_id, nonce, token_hash, created_at) values (?, ?, ?, ?)
    on conflict (user_id) do update set nonce = excluded.nonce, token_hash = excluded.token_hash, created_at = excluded.created_at`,
  params: [userId, nonce, tokenHash, now],
});

/** The owner of the feed of a token's hash, while the account is active. */
export const feedOwner = (tokenHash: string): Statement<FeedOwner> => ({
  sql: `select u.id as user_id, u.name as user_name, u.role, u.timezone, p.id as provider_id, p.name as provider_name, f.created_at
    from calendar_feed f join app_user u on u.id = f.user_id and u.deactivated_at is null left join provider p on p.user_id = u.id
    where f.token_hash = ?`,
  params: [tokenHash],
});

/** Whose bookings a feed shows: a provider's services' (`provider_id`), or a customer's own (`customer_id`). */
export interface FeedScope {
  column: 'provider_id' | 'customer_id';
  id: number;
}

/** The feed's bookings of the given statuses starting in [from, to), the earliest first, with their slots' times. */
export const feedBookings = (
  scope: FeedScope,
  statuses: readonly BookingStatus[],
  from: Date,
  to: Date,
  limit: number,
): Statement<FeedRow> => ({
  sql: `select b.id, b.reference, b.status, b.starts_at, b.ends_at, b.adults, b.children, b.infants, b.meeting_url, b.notes, b.invite_sequence, b.updated_at,
      b.contact, b.special_requirements, b.dietary_restrictions, b.accessibility_needs,
      s.name as service_name, p.name as provider_name, c.name as customer_name, c.email as customer_email,
      (select json_agg(json_build_object('startsAt', t.starts_at, 'endsAt', t.ends_at)) from booking_slot bs join slot t on t.id = bs.slot_id where bs.booking_id = b.id) as slot_times
    from booking b join service s on s.id = b.service_id join provider p on p.id = s.provider_id join app_user c on c.id = b.customer_id
    where ${scope.column === 'provider_id' ? 's.provider_id' : 'b.customer_id'} = ? and b.status = any(?::booking_status[]) and b.starts_at >= ? and b.starts_at < ?
    order by b.starts_at, b.id limit ?`,
  params: [scope.id, pgArray(statuses), from, to, limit],
});
