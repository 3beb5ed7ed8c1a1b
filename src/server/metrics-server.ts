import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../config';
import { metrics } from '../infra/metrics';
import { errorBody } from './errors';
import { metricsAccess } from './metrics-access';

/**
 * The metrics of a process that serves no API (`npm run worker`): GET /metrics on a port of its own, with
 * the API's access rule (METRICS_TOKEN), so that what its jobs change is scraped like the servers' figures.
 */
export async function startMetricsServer(
  port: number,
  settings: Pick<Config, 'metricsToken' | 'production'>,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsAccess(settings), async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use((_req, res) => void res.status(404).json(errorBody('Not found', 'NOT_FOUND')));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
