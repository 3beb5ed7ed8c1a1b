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
  // A refund the bank confirmed, then failed (rare, documented by Stripe): not all of it came back after all.
  [REFUNDED]: { [SUCCEEDED]: ['bank'] },
});

const { PENDING: ASKED, REQUIRES_ACTION: ACTION, SUCCEEDED: DONE, FAILED: REFUSED, CANCELED: STOPPED } = RefundStatus;

/**
 * A refund is asked for, then only the bank moves it (Stripe's refund statuses). The server fails one whose
 * every attempt to reach Stripe failed. A card refund Stripe called succeeded may still fail later (its
 * documented test card 4000000000005126 does); failed and canceled are final.
 */
export const REFUND_STATES = new StateTable<RefundStatus>('refund', {
  [ASKED]: { [ACTION]: ['bank'], [DONE]: ['bank'], [REFUSED]: ['bank', 'server'], [STOPPED]: ['bank'] },
  [ACTION]: { [ASKED]: ['bank'], [DONE]: ['bank'], [REFUSED]: ['bank'], [STOPPED]: ['bank'] },
  [DONE]: { [REFUSED]: ['bank'] },
  [REFUSED]: {},
  [STOPPED]: {},
});
