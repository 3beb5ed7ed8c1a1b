import { Field, ObjectType } from 'type-graphql';
import { formatAmount } from '../core/money';

@ObjectType('Money', { description: 'Exact decimal amount with the currency minor-unit digits, ISO 4217 code.' })
export class Money {
  @Field({
    description:
      'Exact decimal amount as a string with the currency\'s minor-unit digits, e.g. "192.50"; never a binary float.',
  })
  amount!: string;

  @Field({ description: 'ISO 4217 currency code, e.g. EUR.' })
  currency!: string;

  static of(amount: string | number | { toString(): string }, currency: string): Money {
    return Object.assign(new Money(), { amount: formatAmount(amount.toString(), currency), currency });
  }
}
