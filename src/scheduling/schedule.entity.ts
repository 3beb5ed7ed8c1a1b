import { OptionalProps, Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Service } from '../catalog/service.entity';
import { DateScalar } from '../core/scalars';

/** A recurrence that turns into slots: `startTime` is wall time in the service's zone. */
@ObjectType('Schedule')
@Entity()
export class Schedule {
  [OptionalProps]?: 'active' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Service, { ref: true, index: true })
  service!: Ref<Service>;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  name?: string | null;

  /** RFC 5545 rule without DTSTART: the start comes from validFrom and startTime. */
  @Field()
  @Property({ length: 500 })
  rrule!: string;

  /** HH:mm wall time. */
  @Field()
  @Property({ length: 5 })
  startTime!: string;

  @Field(() => Int)
  @Property()
  durationMinutes!: number;

  @Field(() => Int)
  @Property()
  capacity!: number;

  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  priceAmount?: string | null;

  @Field(() => DateScalar)
  @Property({ type: 'date' })
  validFrom!: string;

  @Field(() => DateScalar, { nullable: true })
  @Property({ type: 'date', nullable: true })
  validUntil?: string | null;

  @Field()
  @Property()
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
