/** What the bank said of a refund: its id and status (pending, requires_action, succeeded, failed, canceled). */
export interface BankRefund {
  id: string | null;
  status: string | null;
  failureReason?: string | null;
}

/** A payment intent as far as we use it. */
export interface Intent {
  id: string;
  clientSecret: string | null;
  status: string;
}

/**
 * What payments ask of a card gateway (src/integrations/stripe is the one there is). Every call that moves
 * money carries an idempotency key, so a retry never charges or refunds twice.
 */
/** What a Checkout Session pays for, and for whom. */
export interface CheckoutInput {
  amountMinor: number;
  currency: string;
  name: string;
  email: string;
  metadata: Record<string, string>;
  returnUrl: string;
  expiresAt: Date;
  idempotencyKey: string;
}

export interface PaymentGateway {
  createIntent(input: {
    amountMinor: number;
    currency: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<Intent>;
  /** A hosted checkout page for a payment (a guest's), open until `expiresAt`; its intent carries `metadata`. */
  createCheckoutSession(input: CheckoutInput): Promise<{ id: string; url: string }>;
  /** Expires a checkout still open; one already completed or expired is left as it is. */
  expireCheckoutSession(id: string): Promise<void>;
  /** Cancels an intent that can still be cancelled; one already succeeded or cancelled is left as it is. */
  cancelIntent(id: string): Promise<void>;
  /** Asks for a refund; one the gateway refuses for good is answered as a failed refund, anything else is thrown. */
  refund(input: {
    intentId: string;
    amountMinor: number;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<BankRefund>;
  /** Where a refund stands now. */
  retrieveRefund(id: string): Promise<BankRefund>;
}
