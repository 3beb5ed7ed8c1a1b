import { Field, ObjectType } from 'type-graphql';
import { formatAmount } from './money';

@ObjectType('Money', { description: 'Exact decimal amount with the currency minor-unit digits, ISO 4217 code.' })
export class Money {
  @Field()
  amount!: string;

  @Field()
  currency!: string;

  static of(amount: string | number | { toString(): string }, currency: string): Money {
    return Object.assign(new Money(), { amount: formatAmount(amount.toString(), currency), currency });
  }
}
