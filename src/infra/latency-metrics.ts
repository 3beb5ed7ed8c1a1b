import { Histogram } from 'prom-client';
import { metrics } from './metrics';

/** Seconds: from a cached read to a slow mutation or a job that calls out. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** How long HTTP requests take to answer, by route family (a bounded set), method and status. */
export const requestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route family, method and status',
  labelNames: ['route', 'method', 'status'],
  buckets: BUCKETS,
  registers: [metrics],
});

/** How long background jobs take, by task and outcome (success or failure). */
export const jobDuration = new Histogram({
  name: 'job_duration_seconds',
  help: 'Time a background job ran, by task and outcome',
  labelNames: ['task', 'outcome'],
  buckets: BUCKETS,
  registers: [metrics],
});
