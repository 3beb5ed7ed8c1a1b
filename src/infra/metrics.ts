import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The registry served on GET /metrics. */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics });

/** What the business runs on (docs/operations.md, "Metrics"); unlabelled but for the bounded booking action. */
export const businessMetrics = {
  bookingChanges: new Counter({
    name: 'booking_changes_total',
    help: 'Committed booking changes, by action',
    labelNames: ['action'],
    registers: [metrics],
  }),
  bookingsCreated: new Counter({
    name: 'bookings_created_total',
    help: 'Bookings made (committed), from book, accepted proposals and claimed waitlist offers',
    registers: [metrics],
  }),
  bookingsCancelled: new Counter({
    name: 'bookings_cancelled_total',
    help: 'Bookings cancelled (committed)',
    registers: [metrics],
  }),
  bookingConflicts: new Counter({
    name: 'booking_conflicts_total',
    help: 'CAPACITY_EXCEEDED answers: the seats asked for were not free',
    registers: [metrics],
  }),
  capacityErrors: new Counter({
    name: 'capacity_errors_total',
    help: 'Seat changes the database refused for lack of room (a race lost after the read check passed)',
    registers: [metrics],
  }),
  waitlistOffers: new Counter({
    name: 'waitlist_offers_total',
    help: 'Waitlist offers made (committed)',
    registers: [metrics],
  }),
  waitlistConversions: new Counter({
    name: 'waitlist_conversions_total',
    help: 'Waitlist offers claimed into bookings (committed)',
    registers: [metrics],
  }),
  bookingTime: new Histogram({
    name: 'average_booking_time_seconds',
    help: 'Time to answer book, in seconds (sum / count is the average)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics],
  }),
};

let readUtilization: (() => Promise<number>) | undefined;

new Gauge({
  name: 'slot_utilization_percentage',
  help: 'Seats booked or held of the seats of open slots starting in the next 30 days, read on each scrape',
  registers: [metrics],
  async collect() {
    // While the database is away the other figures still answer (the gauge keeps its last value).
    if (readUtilization)
      await readUtilization().then(
        (value) => this.set(value),
        () => undefined,
      );
  },
});

/** Sets how this process reads slot utilization (the server that owns the database); the returned function unsets it. */
export function measureSlotUtilization(read: () => Promise<number>): () => void {
  readUtilization = read;
  return () => {
    if (readUtilization === read) readUtilization = undefined;
  };
}
