import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { PartyInput } from '../booking/booking.inputs';
import { BookingLookup } from '../booking/booking-lookup';
import { AnswerInput } from '../booking/answers';
import { ContactInput } from '../booking/contact';

@InputType('GuestBookInput', {
  description: 'What `bookAsGuest` takes: the slots and party, as `book`, and who books.',
})
export class GuestBookInput {
  @Field(() => [ID], {
    description: 'One or more slots of one INSTANT service; seats are taken on every slot or on none.',
  })
  slotIds!: string[];
  @Field(() => PartyInput, { description: "Who comes; must fit the service's minPartySize..maxPartySize." })
  party!: PartyInput;
  @Field(() => ContactInput, {
    description: 'Who books: name and email (required), phone and company (optional). Booking emails go to the email.',
  })
  contact!: ContactInput;
  @Field(() => String, { description: 'Notes for the provider.', nullable: true }) notes?: string | null;
  @Field(() => String, { description: 'Accessibility, diet or other needs.', nullable: true }) specialRequirements?:
    | string
    | null;
  @Field(() => String, { nullable: true, description: 'Dietary restrictions of the party, at most 2,000 characters.' })
  dietaryRestrictions?: string | null;
  @Field(() => String, { nullable: true, description: 'Accessibility needs of the party, at most 2,000 characters.' })
  accessibilityNeeds?: string | null;
  @Field(() => [AnswerInput], {
    nullable: true,
    description: "Answers to the service's questions, as in book (BAD_USER_INPUT on `answers.<questionId>`).",
  })
  answers?: AnswerInput[] | null;
  @Field(() => String, {
    nullable: true,
    description:
      'The language of the emails to the guest: "en" or "it"; when omitted, the Accept-Language of the request, else "en".',
  })
  locale?: string | null;
}

export enum GuestNextStep {
  CONFIRM_BY_EMAIL = 'CONFIRM_BY_EMAIL',
  PAY_AT_CHECKOUT = 'PAY_AT_CHECKOUT',
  WAIT_FOR_PROVIDER = 'WAIT_FOR_PROVIDER',
}
registerEnumType(GuestNextStep, {
  name: 'GuestNextStep',
  description: 'What the guest does next for the booking to be confirmed.',
  valuesConfig: {
    CONFIRM_BY_EMAIL: { description: 'Follow the link mailed to the contact email before holdExpiresAt.' },
    PAY_AT_CHECKOUT: { description: 'Pay at checkoutUrl (Stripe Checkout) before holdExpiresAt.' },
    WAIT_FOR_PROVIDER: {
      description: 'An APPROVAL service: a proposal was sent (proposalId); the provider answers by email.',
    },
  },
});

@ObjectType('GuestBooking', { description: 'A booking made by bookAsGuest, and what the guest does next.' })
export class GuestBooking {
  @Field(() => GuestNextStep, { description: 'What the guest does next.' }) nextStep!: GuestNextStep;
  @Field(() => BookingLookup, {
    nullable: true,
    description: 'The booking as its customer sees it without signing in; null for a proposal (WAIT_FOR_PROVIDER).',
  })
  booking!: BookingLookup | null;
  @Field(() => ID, { nullable: true, description: 'WAIT_FOR_PROVIDER: the proposal sent.' }) proposalId?: string | null;
  @Field(() => String, { nullable: true, description: 'PAY_AT_CHECKOUT: the Stripe Checkout page to pay at.' })
  checkoutUrl?: string | null;
  @Field(() => Date, {
    nullable: true,
    description: 'When the held seats are released unless confirmed (or paid); null for a proposal, which holds none.',
  })
  holdExpiresAt!: Date | null;
}

@ObjectType('ManagedBooking', {
  description: 'A booking opened with its manage link: what its holder sees and may do as its customer.',
})
export class ManagedBooking {
  @Field({ description: 'The token to use for the next action: the one given, unless revokeManageLinks changed it.' })
  token!: string;
  @Field(() => BookingLookup, { description: 'The booking: times, status, party, price and the terms agreed.' })
  booking!: BookingLookup;
  @Field(() => ID, { description: "The booking's service: its slots are where the booking can be moved." })
  serviceId!: string;
  @Field({ description: 'A guest booking awaiting confirmation (PENDING_CONFIRMATION): confirmBookingByManageToken.' })
  canConfirm!: boolean;
  @Field({ description: 'Whether cancelBookingByManageToken can cancel it now (not started, not ended).' })
  canCancel!: boolean;
  @Field({ description: 'Whether rescheduleBookingByManageToken can move it now (held or confirmed, not started).' })
  canReschedule!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'While PENDING_PAYMENT for a guest: the Stripe Checkout page to pay at.',
  })
  checkoutUrl?: string | null;
}
