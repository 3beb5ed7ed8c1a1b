import { Field, ID, ObjectType } from 'type-graphql';
import { Slot } from '../scheduling/slot.entity';
import { SlotChangeReason } from './live-events';

@ObjectType('SlotChange', { description: "A change to one slot's seats or status, sent after it commits." })
export class SlotChange {
  @Field(() => ID, { description: "The slot's service." }) serviceId!: string;
  @Field(() => Slot, { description: 'The slot as it is now (read `available`).' }) slot!: Slot;
  @Field(() => SlotChangeReason, { description: 'What changed it.' }) reason!: SlotChangeReason;
  @Field({ description: 'When the change committed.' }) at!: Date;
}
