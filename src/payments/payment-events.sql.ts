import type Stripe from 'stripe';
import type { Statement } from '../core/sql';
import type { Job } from '../jobs';

/** Stores a verified Stripe event and queues the job that applies it, in one statement; a replay stores and queues nothing. */
export const storeStripeEvent = (event: Stripe.Event, job: Job): Statement<never> => ({
  sql: `with stored as (insert into stripe_event (id, type, payload, received_at) values (?, ?, ?, now()) on conflict (id) do nothing returning id)
    select graphile_worker.add_job(?, ?::json, job_key => ?, max_attempts => ?) from stored`,
  params: [
    event.id,
    event.type,
    JSON.stringify(event),
    job.task,
    JSON.stringify(job.payload),
    job.jobKey,
    job.maxAttempts,
  ],
});
