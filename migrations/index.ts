import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121050849 } from './Migration20261121050849';
import { Migration20261121052953 } from './Migration20261121052953';
import { Migration20261121060238 } from './Migration20261121060238';
import { Migration20261121064758_payments } from './Migration20261121064758_payments';
import { Migration20261121065152_proposals } from './Migration20261121065152_proposals';
import { Migration20261121065627_waitlist } from './Migration20261121065627_waitlist';
import { Migration20261123070000_core } from './Migration20261123070000_core';
import { Migration20261123100000_tokens } from './Migration20261123100000_tokens';
import { Migration20261123110500_customer_limits } from './Migration20261123110500_customer_limits';
import { Migration20261123110000_integrations } from './Migration20261123110000_integrations';
import { Migration20261123130000_feeds_zoom } from './Migration20261123130000_feeds_zoom';
import { Migration20261123120000_google_calendar } from './Migration20261123120000_google_calendar';
import { Migration20261123140000_reviews_images } from './Migration20261123140000_reviews_images';
import { Migration20261123150000_management } from './Migration20261123150000_management';
import { Migration20261201090000_session_notices } from './Migration20261201090000_session_notices';
import { Migration20261201091000_refresh_grace } from './Migration20261201091000_refresh_grace';
import { Migration20261201092000_hold_limits } from './Migration20261201092000_hold_limits';
import { Migration20261201093000_oauth_flows } from './Migration20261201093000_oauth_flows';
import { Migration20261201094000_verified_addresses } from './Migration20261201094000_verified_addresses';
import { Migration20261202100000_slot_runs } from './Migration20261202100000_slot_runs';
import { Migration20261202101000_calendar_state } from './Migration20261202101000_calendar_state';
import { Migration20261202102000_audit_subjects } from './Migration20261202102000_audit_subjects';
import { Migration20261207100000_agreed_terms } from './Migration20261207100000_agreed_terms';
import { Migration20261202100000_sealed_idempotency } from './Migration20261202100000_sealed_idempotency';
import { Migration20261210090000_availability } from './Migration20261210090000_availability';
import { Migration20261223090000_promo_codes } from './Migration20261223090000_promo_codes';
import { Migration20261223100000_minimum_capacity } from './Migration20261223100000_minimum_capacity';
import { Migration20261224090000_meetings_series } from './Migration20261224090000_meetings_series';
import { Migration20261220100000_microsoft_teams } from './Migration20261220100000_microsoft_teams';
import { Migration20261221100000_guest_bookings } from './Migration20261221100000_guest_bookings';
import { Migration20261222090000_booking_questions } from './Migration20261222090000_booking_questions';
import { Migration20261222100000_locales } from './Migration20261222100000_locales';
import { Migration20261222110000_embed_origins } from './Migration20261222110000_embed_origins';
import { Migration20261225090000_job_outbox } from './Migration20261225090000_job_outbox';
import { Migration20261226090000_job_queues } from './Migration20261226090000_job_queues';

/** Migrations in the order they run; listed here so that they load the same way from ts and js. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261121050849', class: Migration20261121050849 }, // accounts, catalog, scheduling
  { name: 'Migration20261121052953', class: Migration20261121052953 }, // bookings and their audit trail
  { name: 'Migration20261121060238', class: Migration20261121060238 }, // messages, invite sequence
  { name: 'Migration20261121064758_payments', class: Migration20261121064758_payments }, // payments, refunds, Stripe events
  { name: 'Migration20261121065152_proposals', class: Migration20261121065152_proposals }, // proposals and their slots
  { name: 'Migration20261121065627_waitlist', class: Migration20261121065627_waitlist }, // waitlist entries
  { name: 'Migration20261123070000_core', class: Migration20261123070000_core }, // take_seats, waitlist parties
  { name: 'Migration20261123100000_tokens', class: Migration20261123100000_tokens }, // sessions, deactivated accounts, rate-limit counters
  { name: 'Migration20261123110500_customer_limits', class: Migration20261123110500_customer_limits }, // active bookings per customer, overlaps
  { name: 'Migration20261123110000_integrations', class: Migration20261123110000_integrations }, // webhooks, idempotency keys, counter-proposals
  { name: 'Migration20261123130000_feeds_zoom', class: Migration20261123130000_feeds_zoom }, // ICS feeds, Zoom meetings
  { name: 'Migration20261123120000_google_calendar', class: Migration20261123120000_google_calendar }, // Google Calendar connections, syncs, busy times
  { name: 'Migration20261123140000_reviews_images', class: Migration20261123140000_reviews_images }, // reviews, images, service images, provider avatars
  { name: 'Migration20261123150000_management', class: Migration20261123150000_management }, // buffers, provider_busy, cancelled slots, booking contact
  { name: 'Migration20261201090000_session_notices', class: Migration20261201090000_session_notices }, // NOTIFY session_changed when a session or account changes
  { name: 'Migration20261201091000_refresh_grace', class: Migration20261201091000_refresh_grace }, // session.rotated_at
  { name: 'Migration20261201092000_hold_limits', class: Migration20261201092000_hold_limits }, // booking_policy, hold_release, check_hold and its trigger
  { name: 'Migration20261201093000_oauth_flows', class: Migration20261201093000_oauth_flows }, // oauth_flow (replaces oauth_state)
  { name: 'Migration20261201094000_verified_addresses', class: Migration20261201094000_verified_addresses }, // email_verified_at, message.sender_id, the guest address limit
  { name: 'Migration20261202100000_slot_runs', class: Migration20261202100000_slot_runs }, // the provider's time per run of slots, invites per run
  { name: 'Migration20261202101000_calendar_state', class: Migration20261202101000_calendar_state }, // sync retries and event ids, unreadable busy times
  { name: 'Migration20261202102000_audit_subjects', class: Migration20261202102000_audit_subjects }, // audit trails of proposals, waitlist entries, services, schedules, slots
  { name: 'Migration20261207100000_agreed_terms', class: Migration20261207100000_agreed_terms }, // agreed terms and price lines, refunds by booking and Stripe status, payment discrepancies
  { name: 'Migration20261202100000_sealed_idempotency', class: Migration20261202100000_sealed_idempotency }, // idempotent answers sealed: clear ones dropped
  { name: 'Migration20261210090000_availability', class: Migration20261210090000_availability }, // working hours, part-day and global blackouts, waitlist contacts
  { name: 'Migration20261223090000_promo_codes', class: Migration20261223090000_promo_codes }, // promo codes, use_promo_code, promo_code audit subject
  { name: 'Migration20261223100000_minimum_capacity', class: Migration20261223100000_minimum_capacity }, // schedules' and slots' minimum capacity and its deadline
  { name: 'Migration20261224090000_meetings_series', class: Migration20261224090000_meetings_series }, // Whereby and Teams, meeting choices, Whereby rooms, booking series
  { name: 'Migration20261220100000_microsoft_teams', class: Migration20261220100000_microsoft_teams }, // MICROSOFT_TEAMS meetings
  { name: 'Migration20261221100000_guest_bookings', class: Migration20261221100000_guest_bookings }, // guest identities, PENDING_CONFIRMATION, manage links, Checkout Sessions
  { name: 'Migration20261222090000_booking_questions', class: Migration20261222090000_booking_questions }, // service questions, booking and proposal answers
  { name: 'Migration20261222100000_locales', class: Migration20261222100000_locales }, // the language of an account's emails
  { name: 'Migration20261222110000_embed_origins', class: Migration20261222110000_embed_origins }, // sites that may frame a provider's calendar pages
  { name: 'Migration20261225090000_job_outbox', class: Migration20261225090000_job_outbox }, // unkeyed jobs written as rows, moved into the queue in batches
  { name: 'Migration20261226090000_job_queues', class: Migration20261226090000_job_queues }, // a job's named queue: a booking's emails in order
];
