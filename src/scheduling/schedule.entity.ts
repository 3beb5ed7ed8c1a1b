import { OptionalProps, Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Service } from '../catalog/service.entity';
import { DateScalar } from '../core/scalars';

/** A recurrence that turns into slots: `startTime` is wall time in the service's zone. */
@ObjectType('Schedule', { description: 'A recurrence that `generateSlots` turns into slots of a service.' })
@Entity()
export class Schedule {
  [OptionalProps]?: 'active' | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the schedule.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Service, { ref: true, index: true })
  service!: Ref<Service>;

  @Field(() => String, { description: 'Optional label, one line.', nullable: true })
  @Property({ length: 200, nullable: true })
  name?: string | null;

  /** RFC 5545 rule without DTSTART: the start comes from validFrom and startTime. */
  @Field({ description: 'The recurrence as an RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE.' })
  @Property({ length: 500 })
  rrule!: string;

  /** HH:mm wall time. */
  @Field({ description: "Wall-clock start in the service's time zone, HH:MM; held across DST changes." })
  @Property({ length: 5 })
  startTime!: string;

  @Field(() => Int, { description: 'Length of each slot in minutes.' })
  @Property()
  durationMinutes!: number;

  @Field(() => Int, { description: 'Seats of each slot.' })
  @Property()
  capacity!: number;

  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  priceAmount?: string | null;

  @Field(() => DateScalar, { description: 'First local date occurrences may fall on.' })
  @Property({ type: 'date' })
  validFrom!: string;

  @Field(() => DateScalar, { description: 'Last local date occurrences may fall on; null: no end.', nullable: true })
  @Property({ type: 'date', nullable: true })
  validUntil?: string | null;

  @Field({ description: 'Whether the schedule still makes slots.' })
  @Property()
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
