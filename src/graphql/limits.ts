import type { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * The most rows each list answers; every list field's description states its bound, and its cost is
 * priced at it (listCost). A list with no bound of its own here is bounded by what it belongs to (a
 * booking's slots by MAX_SLOTS_PER_BOOKING, a delivery's attempts by WEBHOOK_ATTEMPTS, ...).
 */
export const MAX_ROWS = {
  services: 500,
  bookings: 500,
  proposals: 200,
  messages: 200,
  myWaitlist: 200,
  serviceWaitlist: 1_000,
  /** Newest visible reviews listed per provider or service. */
  reviews: 100,
  /** Images attached to one service. */
  serviceImages: 20,
  providers: 500,
  schedules: 500,
  blackouts: 500,
  /** Promo codes listed at once. */
  promoCodes: 500,
  paymentDiscrepancies: 500,
  /** Refunds, and payment discrepancies, listed on one booking. */
  bookingRefunds: 100,
  /** Entries of one audit trail (auditTrail). */
  auditEntries: 1_000,
  /** One page of a connection (`first`). */
  page: 100,
  /** Slots of one service in one list (`slots`, `Service.slots`, `setAvailability`): a range holding more is refused. */
  slots: 1_000,
  /** The newest changes shown in a booking's history. */
  history: 100,
  /** Webhook endpoints listed at once (a provider has at most 20; an admin sees everyone's). */
  webhookEndpoints: 500,
  webhookDeliveries: 200,
  /** Calendar accounts a provider has connected, disconnected ones included. */
  calendarConnections: 50,
} as const;

/** The longest window of one slot list: six weeks, what a month's grid shows (an hour more across a DST change). */
export const MAX_SLOT_RANGE_MS = (42 * 24 + 1) * 3_600_000;

/**
 * What one GraphQL operation may ask for, over HTTP and WebSocket alike (docs/operations.md, "Running in
 * production"). Fragments do not count as depth; `__typename` is not an alias. `queryLength` is checked
 * before anything is parsed.
 */
export const OPERATION_LIMITS = {
  depth: 10,
  aliases: 20,
  directives: 10,
  tokens: 2_000,
  queryLength: 100_000,
  cost: 1_200_000,
} as const;

/**
 * What answers may hold while they are built, in cost units (a value 1, a long text 1 per 100
 * characters: 17 to 100 bytes of JSON each): one operation's, and every running operation's together,
 * which bounds the memory answers take whatever the number of clients. Operations whose cost may pass
 * `heavyCost` (more than a month of a service's slots) run `heavyAtOnce` at a time in a process; the
 * others wait up to `heavyWaitMs`, at most `heavyWaiting` of them (answer-budget.ts), so that the event
 * loop (and /health) is never shared among many large answers at once.
 */
export const ANSWER_LIMITS = {
  operation: 100_000,
  process: 500_000,
  heavyCost: 20_000,
  heavyAtOnce: 2,
  heavyWaiting: 100,
  heavyWaitMs: 10_000,
} as const;

/** How many rows a list field answers at most, from its coerced arguments. */
export type RowBound = number | ((args: Record<string, unknown>) => number);

/**
 * The cost of a list field: `base` (what reading it costs the database) plus, for each row it may
 * answer, what is selected in one row. Every other field costs 1 plus its selection, so the cost of an
 * operation bounds the values its answer can hold.
 */
export function listCost(base: number, rows: RowBound): ComplexityEstimator {
  return ({ args, childComplexity }) => base + (typeof rows === 'number' ? rows : rows(args)) * childComplexity;
}

/** A connection's page: `first` rows (a value out of range is refused by the resolver, so it is priced at the most). */
export function pageCost(base: number): ComplexityEstimator {
  return listCost(base, ({ first }) =>
    typeof first === 'number' && first >= 0 && first <= MAX_ROWS.page ? first : MAX_ROWS.page,
  );
}

/** How many local dates [from, to] spans (both YYYY-MM-DD): generateSlots makes at most one slot a date. Out of range: the resolver refuses it. */
export function datesIn(from: unknown, to: unknown): number {
  const days = (Date.parse(String(to)) - Date.parse(String(from))) / 86_400_000 + 1;
  return Number.isFinite(days) && days >= 1 ? Math.min(Math.ceil(days), 367) : 1;
}

/** A month of availability: its service, its slots and its blackouts, then a computation per day. */
export const AVAILABILITY_COST: ComplexityEstimator = ({ childComplexity }) => 50 + childComplexity;

/** A text field costs a unit per 100 characters it may hold: a note of 2,000 weighs as 20 short fields. */
export const textCost = (maxLength: number): number => Math.ceil(maxLength / 100);
