import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PaymentEventService } from '../payments/payment-events.service';
import type { StripeGateway } from '../integrations/stripe/stripe-gateway';

/** Far above any Stripe event we act on; larger bodies are refused unread (413). */
const MAX_BODY = '512kb';

export interface StripeWebhookDeps {
  orm: MikroORM;
  stripe?: StripeGateway;
  paymentEvents: PaymentEventService;
  log: Logger;
}

/** Verifies the event's signature, then stores it with its job; Stripe retries what is not stored. */
async function receive(deps: StripeWebhookDeps, req: Request, res: Response): Promise<void> {
  if (!deps.stripe?.acceptsWebhooks) {
    res.status(503).json({ error: 'Stripe webhooks are not configured (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)' });
    return;
  }
  let event: ReturnType<StripeGateway['verifyEvent']>;
  try {
    event = deps.stripe.verifyEvent(
      Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      req.get('stripe-signature'),
    );
  } catch (error) {
    deps.log.warn({ err: error }, 'Stripe webhook refused');
    res.status(400).json({ error: 'invalid signature' });
    return;
  }
  try {
    await deps.paymentEvents.receive(deps.orm.em.fork(), event);
    res.json({ received: true });
  } catch (error) {
    deps.log.error({ err: error, eventId: event.id }, 'Stripe event not stored');
    res.status(500).json({ error: 'not stored; retry' }); // Stripe retries
  }
}

/**
 * POST /webhooks/stripe: the raw body is verified against its signature before anything parses it, the
 * event is stored and its job queued in one transaction, and Stripe gets its answer at once.
 */
export function stripeWebhook(deps: StripeWebhookDeps): Router {
  const router = express.Router();
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: MAX_BODY }), (req: Request, res: Response) =>
    receive(deps, req, res),
  );
  router.use('/webhooks/stripe', (error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 400).json({ error: error.status === 413 ? 'body too large' : 'unreadable body' });
  });
  return router;
}
