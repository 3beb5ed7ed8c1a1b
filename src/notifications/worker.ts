import type { MikroORM } from '@mikro-orm/postgresql';
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Mailer } from './mailer';
import { Message } from './message.entity';
import { BOOKING_REMINDER, SEND_MESSAGE, type NotificationService } from './notification.service';

function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[method](meta ?? {}, message);
  });
}

/** graphile-worker's own tables, migrated at start beside ours so that jobs can be queued before any worker runs. */
export async function migrateJobQueue(databaseUrl: string, log: Logger): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, logger: workerLogger(log) });
}

function tasks(orm: MikroORM, mailer: Mailer, notifications: NotificationService): TaskList {
  return {
    /** Sends one stored message; idempotent: a message already sent or failed is left alone. */
    [SEND_MESSAGE]: async (payload, helpers) => {
      const em = orm.em.fork();
      const message = await em.findOne(Message, (payload as { messageId: number }).messageId);
      if (!message || message.status !== 'PENDING') return;
      message.attempts += 1;
      try {
        const delivery = await mailer.deliver(message);
        if (delivery.outcome === 'refused') {
          message.status = 'FAILED';
          message.lastError = delivery.error;
        } else {
          message.status = delivery.outcome === 'sent' ? 'SENT' : 'LOGGED';
          message.sentAt = new Date();
        }
      } catch (error) {
        message.lastError = (error as Error).message;
        if (helpers.job.attempts >= helpers.job.max_attempts) message.status = 'FAILED';
        await em.flush();
        throw error;
      }
      await em.flush();
    },
    [BOOKING_REMINDER]: async (payload) => {
      const { bookingId, startsAt } = payload as { bookingId: number; startsAt: string };
      await notifications.remind(orm.em.fork(), bookingId, startsAt);
    },
  };
}

/** Runs queued jobs on this process (the server does by default; `npm run worker` runs only this). */
export function startWorker(databaseUrl: string, orm: MikroORM, mailer: Mailer, notifications: NotificationService, log: Logger): Promise<Runner> {
  return run({
    connectionString: databaseUrl,
    concurrency: 4,
    pollInterval: 1_000,
    noHandleSignals: true,
    logger: workerLogger(log),
    taskList: tasks(orm, mailer, notifications),
  });
}
