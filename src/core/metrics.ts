import { Registry, collectDefaultMetrics } from 'prom-client';

/** The registry served on GET /metrics. */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics });
