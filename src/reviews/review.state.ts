import { StateTable } from '../core/state-table';
import { ReviewStatus } from './review.enums';

/** A review is shown until an admin hides it; hiding is final. */
export const REVIEW_STATES = new StateTable<ReviewStatus>('review', {
  [ReviewStatus.VISIBLE]: { [ReviewStatus.HIDDEN]: ['user'] },
  [ReviewStatus.HIDDEN]: {},
});
