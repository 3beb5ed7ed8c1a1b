/** Whether a review is shown: an admin hides one (hideReview), and then no list or rating counts it. */
export enum ReviewStatus {
  VISIBLE = 'VISIBLE',
  HIDDEN = 'HIDDEN',
}
