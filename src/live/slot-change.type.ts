import { Field, ID, ObjectType } from 'type-graphql';
import { Slot } from '../scheduling/slot.entity';
import { SlotChangeReason } from './live-events';

@ObjectType('SlotChange')
export class SlotChange {
  @Field(() => ID) serviceId!: string;
  @Field(() => Slot) slot!: Slot;
  @Field(() => SlotChangeReason) reason!: SlotChangeReason;
  @Field() at!: Date;
}
