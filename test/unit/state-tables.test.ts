import fs from 'node:fs';
import path from 'node:path';
import { BOOKING_STATES } from '../../src/booking/booking.state';
import { BookingStatus } from '../../src/booking/booking.enums';
import type { Mover, StateTable } from '../../src/core/state-table';
import { PAYMENT_STATES, REFUND_STATES } from '../../src/payments/payment.state';
import { PROPOSAL_STATES } from '../../src/proposals/proposal.state';
import { REVIEW_STATES } from '../../src/reviews/review.state';
import { SLOT_STATES } from '../../src/scheduling/slot.state';
import { WAITLIST_STATES } from '../../src/waitlist/waitlist.state';
import { WEBHOOK_DELIVERY_STATES } from '../../src/webhooks/webhook.state';

const MOVERS: Mover[] = ['user', 'bank', 'server'];
const { PENDING_PAYMENT, CONFIRMED, CANCELLED, EXPIRED, COMPLETED, NO_SHOW, REFUNDED } = BookingStatus;

/** Every allowed move as `FROM>TO:mover`, written out from the state tables in docs/booking.md so that a change to a table shows here. */
const ALLOWED: [StateTable<string>, string[]][] = [
  [
    BOOKING_STATES as StateTable<string>,
    [
      `${PENDING_PAYMENT}>${CONFIRMED}:bank`,
      `${PENDING_PAYMENT}>${CANCELLED}:user`,
      `${PENDING_PAYMENT}>${EXPIRED}:bank`,
      `${PENDING_PAYMENT}>${EXPIRED}:server`,
      'PENDING_CONFIRMATION>CONFIRMED:user',
      'PENDING_CONFIRMATION>CANCELLED:user',
      'PENDING_CONFIRMATION>EXPIRED:server',
      `${CONFIRMED}>${COMPLETED}:user`,
      `${CONFIRMED}>${NO_SHOW}:user`,
      `${CONFIRMED}>${CANCELLED}:user`,
      `${CONFIRMED}>${CANCELLED}:bank`,
      `${CANCELLED}>${REFUNDED}:user`,
      `${CANCELLED}>${REFUNDED}:bank`,
      `${COMPLETED}>${REFUNDED}:user`,
      `${COMPLETED}>${REFUNDED}:bank`,
      `${NO_SHOW}>${REFUNDED}:user`,
      `${NO_SHOW}>${REFUNDED}:bank`,
      `${EXPIRED}>${CONFIRMED}:bank`,
      `${REFUNDED}>${CANCELLED}:bank`,
      `${REFUNDED}>${COMPLETED}:bank`,
      `${REFUNDED}>${NO_SHOW}:bank`,
    ],
  ],
  [
    PAYMENT_STATES as StateTable<string>,
    [
      'REQUIRES_ACTION>PROCESSING:bank',
      'REQUIRES_ACTION>SUCCEEDED:bank',
      'REQUIRES_ACTION>FAILED:bank',
      'REQUIRES_ACTION>CANCELED:bank',
      'REQUIRES_ACTION>CANCELED:user',
      'REQUIRES_ACTION>CANCELED:server',
      'PROCESSING>REQUIRES_ACTION:bank',
      'PROCESSING>SUCCEEDED:bank',
      'PROCESSING>FAILED:bank',
      'PROCESSING>CANCELED:bank',
      'PROCESSING>CANCELED:user',
      'PROCESSING>CANCELED:server',
      'FAILED>SUCCEEDED:bank',
      'FAILED>CANCELED:bank',
      'FAILED>CANCELED:user',
      'FAILED>CANCELED:server',
      'CANCELED>SUCCEEDED:bank',
      'SUCCEEDED>REFUNDED:bank',
      'REFUNDED>SUCCEEDED:bank',
    ],
  ],
  [
    REFUND_STATES as StateTable<string>,
    [
      'PENDING>REQUIRES_ACTION:bank',
      'PENDING>SUCCEEDED:bank',
      'PENDING>FAILED:bank',
      'PENDING>FAILED:server',
      'PENDING>CANCELED:bank',
      'REQUIRES_ACTION>PENDING:bank',
      'REQUIRES_ACTION>SUCCEEDED:bank',
      'REQUIRES_ACTION>FAILED:bank',
      'REQUIRES_ACTION>CANCELED:bank',
      'SUCCEEDED>FAILED:bank',
    ],
  ],
  [
    PROPOSAL_STATES as StateTable<string>,
    [
      'PENDING>ACCEPTED:user',
      'PENDING>DECLINED:user',
      'PENDING>WITHDRAWN:user',
      'PENDING>EXPIRED:server',
      'PENDING>COUNTERED:user',
      'COUNTERED>ACCEPTED:user',
      'COUNTERED>WITHDRAWN:user',
      'COUNTERED>EXPIRED:server',
    ],
  ],
  [WEBHOOK_DELIVERY_STATES as StateTable<string>, ['PENDING>DELIVERED:server', 'PENDING>FAILED:server']],
  [
    SLOT_STATES as StateTable<string>,
    ['OPEN>CLOSED:user', 'OPEN>CANCELLED:user', 'CLOSED>OPEN:user', 'CLOSED>CANCELLED:user'],
  ],
  [
    WAITLIST_STATES as StateTable<string>,
    [
      'ACTIVE>OFFERED:server',
      'ACTIVE>CANCELLED:user',
      'OFFERED>CONVERTED:user',
      'OFFERED>EXPIRED:server',
      'OFFERED>CANCELLED:user',
    ],
  ],
  [REVIEW_STATES as StateTable<string>, ['VISIBLE>HIDDEN:user']],
];

describe.each(ALLOWED.map(([table, allowed]) => [table.name, table, allowed] as const))(
  'the %s state table',
  (_name, table, allowed) => {
    it('allows exactly the listed moves, for every pair of statuses and every mover', () => {
      for (const from of table.statuses) {
        for (const to of table.statuses) {
          for (const by of MOVERS) {
            const move = `${from}>${to}:${by}`;
            expect([move, table.canMove(from, to, by)]).toEqual([move, allowed.includes(move)]);
            if (!allowed.includes(move))
              expect(() => table.assertMove(from, to, by)).toThrow(
                expect.objectContaining({ code: 'INVALID_TRANSITION' }),
              );
          }
        }
      }
    });
  },
);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(file) : file.endsWith('.ts') ? [file] : [];
  });
}

it('lets no code outside the lifecycle and the state helpers assign a booking, payment, refund, proposal, waitlist, webhook delivery or slot status', () => {
  const writers = new Set([
    'src/scheduling/slot.state.ts',
    'src/booking/booking-lifecycle.ts',
    'src/payments/payment.service.ts',
    'src/proposals/proposal.service.ts',
    'src/waitlist/waitlist-offers.ts',
    'src/webhooks/webhook.service.ts',
  ]);
  const offenders = sources('src')
    .filter((file) => !writers.has(file))
    .filter((file) =>
      /\b(booking|payment|refund|row|proposal|locked|entry|delivery|slot)\.status\s*=[^=]/.test(
        fs.readFileSync(file, 'utf8'),
      ),
    );
  expect(offenders).toEqual([]);
});
