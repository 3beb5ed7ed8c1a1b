import type { Service } from '../catalog/service.entity';
import type { Proposal } from '../proposals/proposal.entity';
import { byStart, type Slot } from '../scheduling/slot.entity';
import { mailBody, oneLine } from './booking-mail';
import { readerRange, readerTime } from './mail-time';

export type ProposalMailKind =
  | 'received'
  | 'accepted'
  | 'declined'
  | 'withdrawn'
  | 'expired'
  | 'countered'
  | 'counter_accepted';

const SUBJECTS: Record<ProposalMailKind, string> = {
  received: 'New booking proposal',
  accepted: 'Your proposal was accepted',
  declined: 'Your proposal was declined',
  withdrawn: 'A proposal was withdrawn',
  expired: 'Your proposal expired without an answer',
  countered: 'Your proposal has a counter-offer',
  counter_accepted: 'Your counter-offer was accepted',
};

/** Who reads each proposal email: the provider learns of new and withdrawn ones, the customer of the answer. */
export const PROPOSAL_MAIL_TO: Record<ProposalMailKind, 'provider' | 'customer'> = {
  received: 'provider',
  withdrawn: 'provider',
  accepted: 'customer',
  declined: 'customer',
  expired: 'customer',
  countered: 'customer',
  counter_accepted: 'provider',
};

/** The slots the provider offers instead, its message, and until when the customer may accept. */
function counterOffer(proposal: Proposal, when: (date: Date) => string, span: (slot: Slot) => string): string[] {
  return [
    '',
    'Offered instead:',
    ...proposal.counterSlots
      .getItems()
      .sort(byStart)
      .map((slot) => `Slot: ${span(slot)}`),
    ...(proposal.counterMessage ? [`Their message: ${proposal.counterMessage}`] : []),
    `Accept by: ${when(proposal.expiresAt)}`,
  ];
}

/** What the reader can do about the proposal, through the API, when there is no front end to link to. */
const API_ACTIONS: Partial<Record<ProposalMailKind, string>> = {
  received: 'acceptProposal or declineProposal',
  countered: 'acceptCounterProposal',
};

/** A proposal email in the reader's zone; `link` is the front end's proposal page, or null when there is none (the API call is named instead). */
export function proposalMail(
  kind: ProposalMailKind,
  proposal: Proposal,
  service: Service,
  slots: Slot[],
  link: string | null,
  readerZone: string,
): { subject: string; text: string; html: string } {
  const when = (date: Date) => readerTime(date, readerZone, service.timezone);
  const span = (slot: Slot) => readerRange(slot.startsAt, slot.endsAt, readerZone, service.timezone);
  const action = API_ACTIONS[kind];
  const lines = [
    `${SUBJECTS[kind]}.`,
    '',
    `Service: ${service.name}`,
    ...slots.map((slot) => `Slot: ${span(slot)}`),
    `Party: ${proposal.adults} adult(s), ${proposal.children} child(ren), ${proposal.infants} infant(s)`,
    ...(proposal.message ? [`Message: ${proposal.message}`] : []),
    ...(kind === 'declined' && proposal.declineReason ? [`Reason: ${proposal.declineReason}`] : []),
    ...(kind === 'received' ? [`Answer by: ${when(proposal.expiresAt)}`] : []),
    ...(kind === 'countered' ? counterOffer(proposal, when, span) : []),
    '',
    link ? `See it at ${link}` : `Proposal id: ${proposal.id}${action ? ` (answer with ${action} in the API)` : ''}`,
  ];
  return { subject: oneLine(`${SUBJECTS[kind]}: ${service.name}`), ...mailBody(lines, link, 'Open proposal') };
}
