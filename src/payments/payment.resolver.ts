import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { Booking } from '../booking/booking.entity';
import type { RequestContext } from '../core/context';
import { listCost, MAX_ROWS } from '../graphql/limits';
import { Money } from '../graphql/money.type';
import { Payment } from './payment.entity';
import { PaymentDiscrepancy } from './payment-discrepancy.entity';
import type { PaymentService } from './payment.service';
import { Refund } from './refund.entity';

@Resolver(() => Payment)
export class PaymentResolver {
  @FieldResolver(() => Money, { description: 'The amount charged.' })
  amount(@Root() payment: Payment): Money {
    return Money.of(payment.amount, payment.currency);
  }

  /** Only the payer's browser needs it, and only while the payment can still be made. */
  @FieldResolver(() => String, { nullable: true })
  clientSecret(@Root() payment: Payment, @Ctx() ctx: RequestContext): string | null {
    return ctx.actor?.userId === payment.payer.id ? (payment.clientSecret ?? null) : null;
  }
}

@Resolver(() => Refund)
export class RefundResolver {
  @FieldResolver(() => Money, { description: 'The amount given back (or asked back).' })
  amount(@Root() refund: Refund): Money {
    return Money.of(refund.amount, refund.currency);
  }

  @FieldResolver(() => Boolean, {
    description: 'true: given back to the card through Stripe; false: recorded by the provider (cash, transfer).',
  })
  byCard(@Root() refund: Refund): boolean {
    return refund.payment != null;
  }
}

@Resolver(() => PaymentDiscrepancy)
export class PaymentDiscrepancyResolver {
  constructor(private readonly payments: PaymentService) {}

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Query(() => [PaymentDiscrepancy], {
    description: `Payment successes Stripe reported for another amount or currency than the booking's, newest first: on the caller's services (admins: all); at most ${MAX_ROWS.paymentDiscrepancies}. None of them confirmed a booking.`,
    complexity: listCost(10, MAX_ROWS.paymentDiscrepancies),
  })
  paymentDiscrepancies(@Ctx() ctx: RequestContext): Promise<PaymentDiscrepancy[]> {
    return this.payments.discrepancies(ctx);
  }

  @FieldResolver(() => Booking, { description: 'The booking whose payment it was.' })
  booking(@Root() discrepancy: PaymentDiscrepancy): Promise<Booking> {
    return discrepancy.booking.loadOrFail();
  }

  @FieldResolver(() => Money, { description: "What the booking's PaymentIntent is for." })
  expected(@Root() discrepancy: PaymentDiscrepancy): Money {
    return Money.of(discrepancy.expectedAmount, discrepancy.expectedCurrency);
  }

  @FieldResolver(() => Money, {
    description: 'What Stripe said was paid (in its currency, which may be none we know).',
  })
  reported(@Root() discrepancy: PaymentDiscrepancy): Money {
    try {
      return Money.of(discrepancy.reportedAmount, discrepancy.reportedCurrency);
    } catch {
      return Object.assign(new Money(), { amount: discrepancy.reportedAmount, currency: discrepancy.reportedCurrency });
    }
  }
}
