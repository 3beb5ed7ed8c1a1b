import { StateTable } from '../core/state-table';
import { PaymentStatus, RefundStatus } from './payment.enums';

const { REQUIRES_ACTION, PROCESSING, SUCCEEDED, FAILED, CANCELED, REFUNDED } = PaymentStatus;

/**
 * What the bank's word and our own stops do to a card payment. A declined card may be retried on the
 * same PaymentIntent, so FAILED and CANCELED can still become SUCCEEDED when Stripe says so.
 */
export const PAYMENT_STATES = new StateTable<PaymentStatus>('payment', {
  [REQUIRES_ACTION]: {
    [PROCESSING]: ['bank'],
    [SUCCEEDED]: ['bank'],
    [FAILED]: ['bank'],
    [CANCELED]: ['bank', 'user', 'server'],
  },
  [PROCESSING]: {
    [REQUIRES_ACTION]: ['bank'],
    [SUCCEEDED]: ['bank'],
    [FAILED]: ['bank'],
    [CANCELED]: ['bank', 'user', 'server'],
  },
  [FAILED]: { [SUCCEEDED]: ['bank'], [CANCELED]: ['bank', 'user', 'server'] },
  [CANCELED]: { [SUCCEEDED]: ['bank'] },
  [SUCCEEDED]: { [REFUNDED]: ['bank'] },
  [REFUNDED]: {},
});

/** A refund is asked for, then the bank grants or refuses it. */
export const REFUND_STATES = new StateTable<RefundStatus>('refund', {
  [RefundStatus.PENDING]: { [RefundStatus.SUCCEEDED]: ['bank'], [RefundStatus.FAILED]: ['bank'] },
  [RefundStatus.SUCCEEDED]: {},
  [RefundStatus.FAILED]: {},
});
