import type { ApolloServerPlugin } from '@apollo/server';
import type { Knex, MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import type { Clock } from '../core/clock';
import type { RequestContext } from '../core/context';
import { DomainError } from '../core/errors';
import { businessMetrics, measureSlotUtilization } from '../infra/metrics';
import { slotUtilization } from './booking-metrics.sql';

const UTILIZATION_DAYS = 30;

/**
 * The share (0 to 100) of the seats of open slots starting in the next 30 days that are booked or held.
 * Sent through knex, around the ORM's statement counter, so that a scrape does not count itself in db_statements_total.
 */
async function utilization(orm: MikroORM, now: Date): Promise<number> {
  const { sql, params } = slotUtilization(now, new Date(now.getTime() + UTILIZATION_DAYS * 86_400_000));
  const { rows } = await orm.em
    .getConnection()
    .getKnex()
    .raw<{ rows: { percentage: string | null }[] }>(sql, params as Knex.RawBinding[]);
  return Number(rows[0]?.percentage ?? 0);
}

/**
 * Times `book` by wrapping its one resolver: a plugin hook per field would make Apollo wrap every field
 * of every operation.
 */
function timeBookings(schema: GraphQLSchema): void {
  const book = schema.getMutationType()?.getFields().book;
  if (!book?.resolve) return;
  const resolve = book.resolve;
  book.resolve = async (...args) => {
    const end = businessMetrics.bookingTime.startTimer();
    try {
      return await resolve(...args);
    } finally {
      end();
    }
  };
}

/**
 * Booking metrics seen from the API: how long `book` takes to answer, and how often seats asked for were
 * not free (CAPACITY_EXCEEDED answers); slot utilization is read from the database on each scrape.
 */
export function bookingMetrics(orm: MikroORM, clock: Clock): ApolloServerPlugin<RequestContext> {
  return {
    async serverWillStart({ schema }) {
      timeBookings(schema);
      const stop = measureSlotUtilization(() => utilization(orm, clock.now()));
      return {
        async serverWillStop() {
          stop();
        },
      };
    },
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          const conflicts = errors.filter(
            (error) => error.originalError instanceof DomainError && error.originalError.code === 'CAPACITY_EXCEEDED',
          );
          if (conflicts.length > 0) businessMetrics.bookingConflicts.inc(conflicts.length);
        },
      };
    },
  };
}
