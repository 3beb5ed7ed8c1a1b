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
  /** What the bank took: the amount once succeeded, 0 before (Stripe's PaymentIntent.amount_received). */
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  /** Refunded or on its way back (pending, requires_action, succeeded refunds): Stripe's charge.amount_refunded. */
  amount_refunded: number;
}

/** Stripe's refund statuses (docs.stripe.com/api/refunds/object). */
export type RefundState = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: RefundState;
  failure_reason: string | null;
  metadata: Record<string, string>;
}

/**
 * The moves Stripe documents for a refund: pending and requires_action settle as succeeded, failed or
 * canceled; a succeeded card refund may still fail later (test card 4000000000005126); failed and
 * canceled are final.
 */
const REFUND_MOVES: Record<RefundState, RefundState[]> = {
  pending: ['succeeded', 'failed', 'canceled', 'requires_action'],
  requires_action: ['pending', 'succeeded', 'failed', 'canceled'],
  succeeded: ['failed'],
  failed: [],
  canceled: [],
};

/** Refunds that give (or will give) money back count in the charge's amount_refunded. */
const COUNTED: ReadonlySet<RefundState> = new Set(['pending', 'requires_action', 'succeeded']);

/**
 * A Checkout Session (docs.stripe.com/api/checkout/sessions/object): `open` until paid (`complete`, with
 * payment_status `paid` and the PaymentIntent Stripe made then) or expired (at expires_at, or by the expire
 * call, which only an open session takes). payment_intent is null until it completes.
 */
export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  mode: 'payment';
  amount_total: number;
  currency: string;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  url: string | null;
  /** Not Stripe's: the PaymentIntent's metadata to be (payment_intent_data[metadata]). */
  intentMetadata: Record<string, string>;
}

export interface Recorded {
  method: string;
  path: string;
  idempotencyKey?: string;
  params: Record<string, string>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

const invalid = (message: string, code?: string, param?: string): [number, unknown] => [
  400,
  { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) } },
];

/**
 * A local HTTP server speaking the parts of Stripe's API the server uses (PaymentIntents create and cancel,
 * refunds create, retrieve and cancel), with Stripe's idempotency-key replay, its refund statuses and their events,
 * its documented refusals, and switches to make it fail or hang.
 */
export class FakeStripe {
  readonly intents = new Map<string, FakeIntent>();
  readonly refunds = new Map<string, FakeRefund>();
  readonly sessions = new Map<string, FakeCheckoutSession>();
  /** Where Stripe sends events about Checkout Sessions completed on its hosted page (a server's GraphQL URL). */
  webhookFor?: string;
  readonly requests: Recorded[] = [];
  /** What the next requests get: normal answers, HTTP 500, or no answer at all. */
  mode: 'ok' | 'error' | 'hang' = 'ok';
  /**
   * What Stripe answers a new refund: succeeded at once, pending (the bank has not paid it yet, as card
   * refunds often are), requires_action, or failed at once (a closed card account).
   */
  refundOutcome: 'succeeded' | 'pending' | 'requires_action' | 'failed' = 'succeeded';
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

  /** The requests to `path` as Stripe acts on them: a retry with the same idempotency key is the same request (replayed). */
  distinctCalls(path: RegExp): Recorded[] {
    const seen = new Set<string>();
    return this.calls(path).filter((call) => {
      if (!call.idempotencyKey) return true;
      if (seen.has(call.idempotencyKey)) return false;
      seen.add(call.idempotencyKey);
      return true;
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url!.startsWith('/c/pay/')) return this.hostedPage(req, res);
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
    if (path.startsWith('/v1/checkout/sessions')) return this.checkout(method, path, params);
    if (method === 'POST' && path === '/v1/payment_intents') {
      const intentId = id('pi');
      const intent: FakeIntent = {
        id: intentId,
        object: 'payment_intent',
        amount: Number(params.amount),
        amount_received: 0,
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
        return invalid(`No such payment_intent: '${params.payment_intent}'`, 'resource_missing', 'payment_intent');
      if (params.amount !== undefined && !/^[1-9][0-9]*$/.test(params.amount))
        return invalid('Invalid positive integer', 'parameter_invalid_integer', 'amount');
      if (intent.status !== 'succeeded')
        return invalid(
          `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
          'charge_not_refundable',
        );
      const left = intent.amount - intent.amount_refunded;
      if (left <= 0) return invalid(`Charge for ${intent.id} has already been refunded.`, 'charge_already_refunded');
      const amount = Number(params.amount ?? left);
      if (amount > left)
        return invalid(
          `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
          'amount_too_large',
          'amount',
        );
      const refund: FakeRefund = {
        id: id('re'),
        object: 'refund',
        amount,
        currency: intent.currency,
        payment_intent: intent.id,
        status: this.refundOutcome,
        failure_reason: this.refundOutcome === 'failed' ? 'expired_or_canceled_card' : null,
        metadata: Object.fromEntries(
          Object.entries(params).flatMap(([key, value]) =>
            key.startsWith('metadata[') ? [[key.slice(9, -1), value]] : [],
          ),
        ),
      };
      this.refunds.set(refund.id, refund);
      if (COUNTED.has(refund.status)) intent.amount_refunded += amount;
      return [200, { ...refund }];
    }
    const readRefund = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (method === 'GET' && readRefund) {
      const refund = this.refunds.get(readRefund[1]);
      if (!refund)
        return [
          404,
          {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: `No such refund: '${readRefund[1]}'`,
            },
          },
        ];
      return [200, { ...refund }];
    }
    const cancelRefund = /^\/v1\/refunds\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancelRefund) {
      const refund = this.refunds.get(cancelRefund[1]);
      if (!refund)
        return [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such refund' } }];
      // Only refunds waiting for the customer's action can be cancelled (docs.stripe.com/api/refunds/cancel).
      if (refund.status !== 'requires_action')
        return invalid(`You can't cancel a refund with status ${refund.status}.`);
      this.settleRefund(refund.id, 'canceled', 'merchant_request');
      return [200, { ...refund }];
    }
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } },
    ];
  }

  /** Checkout Sessions: create (with Stripe's checks on what this server sends), retrieve, expire. */
  private checkout(method: string, path: string, params: Record<string, string>): [number, unknown] {
    const now = Math.floor(Date.now() / 1000);
    const metadataOf = (prefix: string) =>
      Object.fromEntries(
        Object.entries(params).flatMap(([key, value]) =>
          key.startsWith(prefix) ? [[key.slice(prefix.length, -1), value]] : [],
        ),
      );
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (params.mode !== 'payment') return invalid('Missing required param: mode.', 'parameter_missing', 'mode');
      if (!params.success_url)
        return invalid('Missing required param: success_url.', 'parameter_missing', 'success_url');
      const unit = Number(params['line_items[0][price_data][unit_amount]']);
      const quantity = Number(params['line_items[0][quantity]'] ?? 1);
      const currency = params['line_items[0][price_data][currency]'];
      if (!Number.isInteger(unit) || unit < 1 || !currency)
        return invalid('Invalid line_items[0][price_data]', 'parameter_invalid_integer', 'line_items[0][price_data]');
      const expiresAt = params.expires_at === undefined ? now + 86_400 : Number(params.expires_at);
      // "The Epoch time in seconds at which the Checkout Session will expire. It can be anywhere from 30 minutes to 24 hours after Checkout Session creation."
      if (!Number.isInteger(expiresAt) || expiresAt < now + 1800 - 5 || expiresAt > now + 86_400)
        return invalid(
          'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
          'parameter_invalid_integer',
          'expires_at',
        );
      const sessionId = `cs_test_${randomBytes(12).toString('hex')}`;
      const session: FakeCheckoutSession = {
        id: sessionId,
        object: 'checkout.session',
        status: 'open',
        payment_status: 'unpaid',
        mode: 'payment',
        amount_total: unit * quantity,
        currency,
        customer_email: params.customer_email ?? null,
        client_reference_id: params.client_reference_id ?? null,
        metadata: metadataOf('metadata['),
        payment_intent: null,
        success_url: params.success_url,
        cancel_url: params.cancel_url ?? null,
        expires_at: expiresAt,
        created: now,
        url: `${this.url}/c/pay/${sessionId}`,
        intentMetadata: metadataOf('payment_intent_data[metadata]['),
      };
      this.sessions.set(sessionId, session);
      return [200, this.shown(session)];
    }
    const match = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(path);
    const session = match && this.sessions.get(match[1]);
    if (!match || !session)
      return [
        404,
        { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such checkout.session' } },
      ];
    if (method === 'GET' && !match[2]) return [200, this.shown(session)];
    if (method === 'POST' && match[2]) {
      if (session.status !== 'open')
        return invalid(
          `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${session.status}\`.`,
        );
      this.expireSession(session.id);
      return [200, this.shown(session)];
    }
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } },
    ];
  }

  /** A session as the API shows it: an expired or completed one has no url any more. */
  private shown(session: FakeCheckoutSession): object {
    const { intentMetadata: _metadata, ...shown } = session;
    return { ...shown, url: session.status === 'open' ? session.url : null };
  }

  /** The session expires (its time is up, or it was expired), and the checkout.session.expired event Stripe sends. */
  expireSession(sessionId: string): Stripe.Event {
    const session = this.sessions.get(sessionId)!;
    session.status = 'expired';
    return this.event('checkout.session.expired', this.shown(session));
  }

  /**
   * The customer pays on the hosted page: Stripe makes a succeeded PaymentIntent and completes the session,
   * and sends checkout.session.completed and payment_intent.succeeded.
   */
  completeSession(sessionId: string): Stripe.Event[] {
    const session = this.sessions.get(sessionId)!;
    const intentId = id('pi');
    const intent: FakeIntent = {
      id: intentId,
      object: 'payment_intent',
      amount: session.amount_total,
      amount_received: session.amount_total,
      currency: session.currency,
      status: 'succeeded',
      client_secret: `${intentId}_secret_${randomBytes(6).toString('hex')}`,
      metadata: session.intentMetadata,
      amount_refunded: 0,
    };
    this.intents.set(intentId, intent);
    Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: intentId });
    return [
      this.event('checkout.session.completed', this.shown(session)),
      this.event('payment_intent.succeeded', { ...intent }),
    ];
  }

  /** The hosted Checkout page: GET shows what is paid and a Pay button; its POST pays, sends the events, and goes back to success_url. */
  private async hostedPage(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const session = this.sessions.get(req.url!.slice('/c/pay/'.length));
    const html = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout</title></head><body>${body}</body></html>`,
      );
    };
    if (!session) return html(404, '<h1>Something went wrong</h1>');
    if (session.status !== 'open') return html(410, `<h1>This checkout session is ${session.status}</h1>`);
    if (req.method === 'GET')
      return html(
        200,
        `<h1>Pay ${(session.amount_total / 100).toFixed(2)} ${session.currency.toUpperCase()}</h1>
<p>${session.customer_email ?? ''}</p>
<form method="post"><label>Card number <input name="card" value="4242 4242 4242 4242"></label><button type="submit">Pay</button></form>`,
      );
    for (const event of this.completeSession(session.id)) {
      if (this.webhookFor) await this.deliver(this.webhookFor, event);
    }
    res.writeHead(303, { location: session.success_url });
    res.end();
  }

  /** What the customer's bank does to an intent, and the event Stripe would send about it. */
  settle(intentId: string, outcome: 'succeeded' | 'payment_failed' | 'canceled'): Stripe.Event {
    const intent = this.intents.get(intentId);
    if (!intent) throw new Error(`unknown intent ${intentId}`);
    intent.status = outcome === 'payment_failed' ? 'requires_payment_method' : outcome;
    if (outcome === 'succeeded') intent.amount_received = intent.amount;
    const object =
      outcome === 'payment_failed'
        ? { ...intent, last_payment_error: { message: 'Your card was declined.' } }
        : { ...intent };
    return this.event(`payment_intent.${outcome}`, object);
  }

  /**
   * What the bank later does to a refund, and the events Stripe sends about it: `refund.updated` and
   * `charge.refund.updated` (with the previous status), and `refund.failed` when it failed. A move Stripe
   * does not make throws.
   */
  settleRefund(refundId: string, status: RefundState, failureReason = 'expired_or_canceled_card'): Stripe.Event[] {
    const refund = this.refunds.get(refundId);
    if (!refund) throw new Error(`unknown refund ${refundId}`);
    if (!REFUND_MOVES[refund.status].includes(status))
      throw new Error(`Stripe does not move a ${refund.status} refund to ${status}`);
    const previous = refund.status;
    const intent = this.intents.get(refund.payment_intent)!;
    if (COUNTED.has(previous) && !COUNTED.has(status)) intent.amount_refunded -= refund.amount; // back to the balance
    refund.status = status;
    refund.failure_reason = status === 'failed' || status === 'canceled' ? failureReason : null;
    const updated = (type: string) => ({
      ...this.event(type, { ...refund }),
      data: { object: { ...refund }, previous_attributes: { status: previous } },
    });
    return [
      updated('refund.updated'),
      updated('charge.refund.updated'),
      ...(status === 'failed' ? [this.event('refund.failed', { ...refund })] : []),
    ] as Stripe.Event[];
  }

  /** The refunds asked of an intent, oldest first. */
  refundsOf(intentId: string): FakeRefund[] {
    return [...this.refunds.values()].filter((refund) => refund.payment_intent === intentId);
  }

  /** A refund made in Stripe's dashboard (no metadata of ours), and its refund.created event. */
  dashboardRefund(intentId: string, amount: number, status: RefundState = 'succeeded'): Stripe.Event {
    const intent = this.intents.get(intentId)!;
    const refund: FakeRefund = {
      id: id('re'),
      object: 'refund',
      amount,
      currency: intent.currency,
      payment_intent: intentId,
      status,
      failure_reason: null,
      metadata: {},
    };
    this.refunds.set(refund.id, refund);
    if (COUNTED.has(status)) intent.amount_refunded += amount;
    return this.event('refund.created', { ...refund });
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
