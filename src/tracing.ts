/**
 * OpenTelemetry traces, off unless an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT, or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): HTTP requests (in and out) and PostgreSQL statements, exported by
 * the SDK as its own OTEL_* settings say (protocol, headers, sampling). main.ts and worker-main.ts import
 * this first, so that it is in place before the modules it instruments load; without an endpoint none of
 * the SDK is loaded.
 */
import type { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()) {
  process.env.OTEL_SERVICE_NAME ||= 'booking-calendar-api';
  // Metrics are served on /metrics (Prometheus) and logs go to stdout: only traces leave through OTLP.
  process.env.OTEL_METRICS_EXPORTER ||= 'none';
  process.env.OTEL_LOGS_EXPORTER ||= 'none';
  // Loaded synchronously, on purpose: the instrumentations must hook http and pg before anything loads them.
  const { NodeSDK: Sdk } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  sdk = new Sdk({ instrumentations: [new HttpInstrumentation(), new PgInstrumentation()] });
  sdk.start();
}

/** Sends the spans still buffered; called last when the process stops. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
}
