import {
  Collection,
  Entity,
  Enum,
  Index,
  ManyToMany,
  ManyToOne,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../accounts/user.entity';
import { Booking } from '../booking/booking.entity';
import { Service } from '../catalog/service.entity';
import type { PriceLine } from '../booking/pricing';
import type { AgreedTerms } from '../booking/terms';
import { Slot } from '../scheduling/slot.entity';
import { ProposalStatus } from './proposal.enums';
import { listCost, textCost } from '../graphql/limits';
import { BookingAnswer } from '../booking/answers';
import { QUESTION_LIMITS } from '../catalog/service-questions';

/** A customer's request to book slots of an APPROVAL service; it takes no seats until the provider accepts. */
@ObjectType('Proposal', {
  description:
    "A customer's request to book slots of an APPROVAL service; the provider accepts (which books), declines or counter-proposes.",
})
@Entity()
@Index({ properties: ['service', 'createdAt'] })
@Index({ properties: ['customer', 'createdAt'] })
export class Proposal {
  [OptionalProps]?: 'status' | 'children' | 'infants' | 'createdAt' | 'updatedAt' | 'answers';

  @Field(() => ID, { description: 'Stable identifier of the proposal.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Service, { ref: true })
  service!: Ref<Service>;

  @ManyToOne(() => User, { ref: true })
  customer!: Ref<User>;

  @ManyToMany(() => Slot, undefined, { owner: true, pivotTable: 'proposal_slot' })
  slots = new Collection<Slot>(this);

  /** The provider's counter-offer: other slots of the service for the same party. */
  @ManyToMany(() => Slot, undefined, { owner: true, pivotTable: 'proposal_counter_slot' })
  counterSlots = new Collection<Slot>(this);

  @Property()
  adults!: number;

  @Property()
  children: number = 0;

  @Property()
  infants: number = 0;

  /** The terms and price lines the customer proposed at: accepting books at them. */
  @Property({ type: 'json' })
  terms!: AgreedTerms;

  @Property({ type: 'json' })
  lines!: PriceLine[];

  /** The terms and price lines of the provider's counter-offer: accepting it books at them. */
  @Property({ type: 'json', nullable: true })
  counterTerms?: AgreedTerms | null;

  @Property({ type: 'json', nullable: true })
  counterLines?: PriceLine[] | null;

  @Field(() => String, {
    description: "The customer's message to the provider.",
    nullable: true,
    complexity: textCost(2_000),
  })
  @Property({ type: 'text', nullable: true })
  message?: string | null;

  /** The answers to the service's questions, with the questions as asked: the booking made from it keeps them. */
  @Field(() => [BookingAnswer], {
    description: `The answers to the service's questions given when proposing, with the questions as asked then (at most ${QUESTION_LIMITS.questions}).`,
    complexity: listCost(1, QUESTION_LIMITS.questions),
  })
  @Property({ type: 'json' })
  answers: BookingAnswer[] = [];

  @Field(() => String, {
    nullable: true,
    description: "The provider's message with a counter-offer.",
    complexity: textCost(2_000),
  })
  @Property({ type: 'text', nullable: true })
  counterMessage?: string | null;

  @Field(() => ProposalStatus, { description: 'Where the proposal is.' })
  @Enum({ items: () => ProposalStatus, nativeEnumName: 'proposal_status' })
  status: ProposalStatus = ProposalStatus.PENDING;

  @Field({
    description:
      "When it EXPIRES unless answered: the earlier of PROPOSAL_TTL_HOURS after it was made and the first slot's cutoff.",
  })
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  /** The booking made when the provider accepted. */
  @OneToOne(() => Booking, { owner: true, ref: true, nullable: true, unique: true })
  booking?: Ref<Booking> | null;

  @Property({ type: 'text', nullable: true })
  declineReason?: string | null;

  @Field({ description: 'When it was made.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
