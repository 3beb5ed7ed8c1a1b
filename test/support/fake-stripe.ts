import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const WEBHOOK_SECRET = 'whsec_test_secret';
export const SECRET_KEY = 'sk_test_fake';

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  amount_refunded: number;
}

export interface Recorded {
  method: string;
  path: string;
  idempotencyKey?: string;
  params: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

/**
 * A local HTTP server speaking the parts of Stripe's API the server uses (PaymentIntents create and cancel,
 * refunds create), with Stripe's idempotency-key replay, and switches to make it fail or hang.
 */
export class FakeStripe {
  readonly intents = new Map<string, FakeIntent>();
  readonly requests: Recorded[] = [];
  /** What the next requests get: normal answers, HTTP 500, or no answer at all. */
  mode: 'ok' | 'error' | 'hang' = 'ok';
  /** What the bank says of new refunds: granted, or refused (a closed card account). */
  refundOutcome: 'succeeded' | 'failed' = 'succeeded';
  private readonly replays = new Map<string, { status: number; body: unknown }>();
  private readonly stripe = new Stripe(SECRET_KEY);

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeStripe> {
    const server = http.createServer();
    const fake = new FakeStripe(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  calls(path: RegExp): Recorded[] {
    return this.requests.filter((request) => path.test(request.path));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const params = Object.fromEntries(new URLSearchParams(body));
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method: req.method!, path: req.url!, idempotencyKey, params });
    if (this.mode === 'hang') return; // the client's timeout decides
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
      res.end(JSON.stringify(payload));
    };
    if (this.mode === 'error')
      return send(500, { error: { type: 'api_error', message: 'Something went wrong on Stripe' } });
    const replay = idempotencyKey && this.replays.get(`${req.url} ${idempotencyKey}`);
    if (replay) return send(replay.status, replay.body);
    const [status, payload] = this.answer(req.method!, req.url!, params);
    if (idempotencyKey) this.replays.set(`${req.url} ${idempotencyKey}`, { status, body: payload });
    send(status, payload);
  }

  private answer(method: string, path: string, params: Record<string, string>): [number, unknown] {
    if (method === 'POST' && path === '/v1/payment_intents') {
      const intentId = id('pi');
      const intent: FakeIntent = {
        id: intentId,
        object: 'payment_intent',
        amount: Number(params.amount),
        currency: params.currency,
        status: 'requires_payment_method',
        client_secret: `${intentId}_secret_${randomBytes(6).toString('hex')}`,
        metadata: Object.fromEntries(
          Object.entries(params).flatMap(([key, value]) =>
            key.startsWith('metadata[') ? [[key.slice(9, -1), value]] : [],
          ),
        ),
        amount_refunded: 0,
      };
      this.intents.set(intentId, intent);
      return [200, intent];
    }
    const cancel = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancel) {
      const intent = this.intents.get(cancel[1]);
      if (!intent)
        return [
          404,
          { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' } },
        ];
      if (intent.status === 'succeeded' || intent.status === 'canceled') {
        return [
          400,
          {
            error: {
              type: 'invalid_request_error',
              code: 'payment_intent_unexpected_state',
              message: `This PaymentIntent is ${intent.status}`,
            },
          },
        ];
      }
      intent.status = 'canceled';
      return [200, intent];
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.intents.get(params.payment_intent);
      if (!intent)
        return [
          404,
          { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' } },
        ];
      const amount = Number(params.amount ?? intent.amount - intent.amount_refunded);
      if (intent.status !== 'succeeded' || amount > intent.amount - intent.amount_refunded) {
        return [
          400,
          {
            error: {
              type: 'invalid_request_error',
              code: 'charge_already_refunded',
              message: 'Cannot refund that much',
            },
          },
        ];
      }
      if (this.refundOutcome === 'failed')
        return [
          200,
          {
            id: id('re'),
            object: 'refund',
            amount,
            payment_intent: intent.id,
            status: 'failed',
            failure_reason: 'expired_or_canceled_card',
          },
        ];
      intent.amount_refunded += amount;
      return [200, { id: id('re'), object: 'refund', amount, payment_intent: intent.id, status: 'succeeded' }];
    }
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } },
    ];
  }

  /** What the customer's bank does to an intent, and the event Stripe would send about it. */
  settle(intentId: string, outcome: 'succeeded' | 'payment_failed' | 'canceled'): Stripe.Event {
    const intent = this.intents.get(intentId);
    if (!intent) throw new Error(`unknown intent ${intentId}`);
    intent.status = outcome === 'payment_failed' ? 'requires_payment_method' : outcome;
    const object =
      outcome === 'payment_failed'
        ? { ...intent, last_payment_error: { message: 'Your card was declined.' } }
        : { ...intent };
    return this.event(`payment_intent.${outcome}`, object);
  }

  /** The charge.refunded event of an intent's refunds so far. */
  refundedEvent(intentId: string): Stripe.Event {
    const intent = this.intents.get(intentId)!;
    return this.event('charge.refunded', {
      id: id('ch'),
      object: 'charge',
      payment_intent: intentId,
      amount: intent.amount,
      amount_refunded: intent.amount_refunded,
      refunded: intent.amount_refunded >= intent.amount,
    });
  }

  event(type: string, object: object): Stripe.Event {
    return {
      id: id('evt'),
      object: 'event',
      type,
      api_version: '2025-01-01',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: null,
      data: { object },
    } as unknown as Stripe.Event;
  }

  /** Posts an event to a server's webhook, signed as Stripe signs it (or with the given signature header). */
  async deliver(graphqlUrl: string, event: Stripe.Event | string, signature?: string | null): Promise<Response> {
    const payload = typeof event === 'string' ? event : JSON.stringify(event);
    const header =
      signature === undefined
        ? this.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
        : signature;
    return fetch(graphqlUrl.replace('/graphql', '/webhooks/stripe'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'stripe-signature': header }) },
      body: payload,
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
