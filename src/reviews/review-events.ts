import { AuditSubject, recordAudit } from '../core/audit';
import type { TxContext } from '../core/context';

/** ReviewCreated: published inside the transaction that stored a new review. */
export interface ReviewCreated {
  reviewId: number;
  bookingId: number;
  serviceId: number;
  providerId: number;
  authorId: number;
  rating: number;
  comment: string | null;
}

/** Listener: the review is part of its booking's history. */
export function auditReview(tx: TxContext, review: ReviewCreated): void {
  recordAudit(tx, {
    subject: AuditSubject.BOOKING,
    subjectId: review.bookingId,
    action: 'review.created',
    before: null,
    after: { reviewId: String(review.reviewId), rating: review.rating },
    reason: null,
  });
}
