import type { ComplexityEstimator } from 'graphql-query-complexity';

/** The most rows each list answers; every list field's description states its bound. */
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
  paymentDiscrepancies: 500,
  /** Entries of one audit trail (auditTrail). */
  auditEntries: 1_000,
  /** Slots one availability check reads: a range holding more is refused. */
  checkedSlots: 1_000,
} as const;

/**
 * What one GraphQL operation may ask for, over HTTP and WebSocket alike (README, "Running in
 * production"). Fragments do not count as depth; `__typename` is not an alias.
 */
export const OPERATION_LIMITS = {
  depth: 10,
  aliases: 20,
  directives: 10,
  tokens: 2_000,
  cost: 5_000,
} as const;

/** Rows a list is priced at, whatever its cap: enough to make nested lists cost what they multiply. */
const ROWS_PRICED = 10;

/**
 * The cost of a list field: `base` (what reading it costs the database) plus ten rows of what is
 * selected in each row. Every other field costs 1 plus its selection.
 */
export function listCost(base: number): ComplexityEstimator {
  return ({ childComplexity }) => base + ROWS_PRICED * childComplexity;
}

/** A month of availability: its service, its slots and its blackouts, then a computation per day. */
export const AVAILABILITY_COST: ComplexityEstimator = ({ childComplexity }) => 50 + childComplexity;
