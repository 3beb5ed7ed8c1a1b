import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../core/context';
import { Money } from '../core/money.type';
import { Payment } from './payment.entity';

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
