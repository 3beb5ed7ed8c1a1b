import type { BookingStatus } from '../booking/booking.enums';
import type { Statement } from '../core/sql';

/** The status a refunded booking had before its latest refund (from its audit trail). */
export const statusBeforeRefund = (bookingId: number): Statement<{ status: BookingStatus | null }> => ({
  sql: `select before->>'status' as status from audit_entry where booking_id = ? and action = 'booking.refunded' order by id desc limit 1`,
  params: [bookingId],
});
