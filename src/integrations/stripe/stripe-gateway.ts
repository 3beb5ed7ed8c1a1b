import Stripe from 'stripe';
import type { BankRefund, CheckoutInput, Intent, PaymentGateway } from '../../payments/payment-gateway';

export interface StripeSettings {
  secretKey: string;
  webhookSecret?: string;
  apiUrl?: string;
  timeoutMs?: number;
}

/**
 * The parts of Stripe's API this server uses. Every call that moves money carries an idempotency key, so a
 * retry (Stripe's own network retries, or a job run again after a crash) never charges or refunds twice.
 */
export class StripeGateway implements PaymentGateway {
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const url = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
    this.stripe = new Stripe(settings.secretKey, {
      ...(url
        ? { host: url.hostname, port: url.port || undefined, protocol: url.protocol === 'http:' ? 'http' : 'https' }
        : {}),
      timeout: settings.timeoutMs ?? 10_000,
      maxNetworkRetries: 2,
      telemetry: false,
    });
  }

  async createIntent(input: {
    amountMinor: number;
    currency: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<Intent> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: input.amountMinor,
        currency: input.currency.toLowerCase(),
        metadata: input.metadata,
        automatic_payment_methods: { enabled: true },
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return { id: intent.id, clientSecret: intent.client_secret, status: intent.status };
  }

  /**
   * A Stripe Checkout Session paying one amount (a guest's booking), open until `expiresAt` (Stripe accepts
   * 30 minutes to 24 hours from now); Stripe makes its PaymentIntent, with `metadata`, when it completes.
   */
  async createCheckoutSession(input: CheckoutInput): Promise<{ id: string; url: string }> {
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: input.currency.toLowerCase(),
              unit_amount: input.amountMinor,
              product_data: { name: input.name },
            },
          },
        ],
        customer_email: input.email,
        client_reference_id: input.metadata.bookingId,
        metadata: input.metadata,
        payment_intent_data: { metadata: input.metadata },
        success_url: input.returnUrl,
        cancel_url: input.returnUrl,
        expires_at: Math.floor(input.expiresAt.getTime() / 1000),
      },
      { idempotencyKey: input.idempotencyKey },
    );
    if (!session.url) throw new Error(`Checkout Session ${session.id} has no url`);
    return { id: session.id, url: session.url };
  }

  /** Expires a session still open; one already completed or expired is left as it is. */
  async expireCheckoutSession(id: string): Promise<void> {
    try {
      await this.stripe.checkout.sessions.expire(id);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) return;
      throw error;
    }
  }

  /** Cancels an intent that can still be cancelled; one already succeeded or cancelled is left as it is. */
  async cancelIntent(id: string): Promise<void> {
    try {
      await this.stripe.paymentIntents.cancel(id);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'payment_intent_unexpected_state')
        return;
      throw error;
    }
  }

  /**
   * Asks for a refund; `metadata` lets its events be matched before its id is recorded. A request Stripe
   * refuses (HTTP 4xx: already refunded, more than is left, a disputed charge) is its final answer, a
   * failed refund; anything else (5xx, a timeout, 429) is thrown, for the job to try again.
   */
  async refund(input: {
    intentId: string;
    amountMinor: number;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<BankRefund> {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: input.intentId, amount: input.amountMinor, metadata: input.metadata },
        { idempotencyKey: input.idempotencyKey },
      );
      return { id: refund.id, status: refund.status, failureReason: refund.failure_reason ?? null };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError)
        return { id: null, status: 'failed', failureReason: `Stripe refused the refund: ${error.message}` };
      throw error;
    }
  }

  /** Where a refund stands at Stripe now. */
  async retrieveRefund(id: string): Promise<BankRefund> {
    const refund = await this.stripe.refunds.retrieve(id);
    return { id: refund.id, status: refund.status, failureReason: refund.failure_reason ?? null };
  }

  /** The event, if `signature` proves Stripe sent exactly this body; throws otherwise. */
  verifyEvent(rawBody: Buffer, signature: string | undefined): Stripe.Event {
    if (!this.settings.webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is not set');
    if (!signature) throw new Error('No Stripe-Signature header');
    return this.stripe.webhooks.constructEvent(rawBody, signature, this.settings.webhookSecret);
  }

  get acceptsWebhooks(): boolean {
    return Boolean(this.settings.webhookSecret);
  }
}
