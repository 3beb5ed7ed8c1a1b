import { OptionalProps, Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Service } from '../catalog/service.entity';
import { BlackoutKind } from './scheduling.enums';
import { DateScalar } from '../graphql/scalars';

/**
 * Local dates, or a time of each of them, on which one service, every service of a provider, or (no
 * provider: an admin's global blackout) every service cannot be booked. An inactive one blocks nothing.
 */
@ObjectType('Blackout', {
  description:
    "Local dates (whole, or a time of each) on which a service, all of a provider's services, or every service (global) cannot be booked.",
})
@Entity()
@Index({ properties: ['provider', 'startsOn', 'endsOn'] })
@Check({ name: 'blackout_dates_check', expression: 'ends_on >= starts_on' })
export class Blackout {
  [OptionalProps]?: 'createdAt' | 'allDay' | 'active';

  @Field(() => ID, { description: 'Stable identifier of the blackout.' })
  @PrimaryKey()
  id!: number;

  /** Null: a global blackout, every service of every provider. */
  @ManyToOne(() => Provider, { ref: true, nullable: true })
  provider?: Ref<Provider> | null;

  /** Null: every service of the provider. */
  @ManyToOne(() => Service, { ref: true, nullable: true, deleteRule: 'cascade' })
  service?: Ref<Service> | null;

  @Field(() => DateScalar, { description: 'First local date covered (inclusive).' })
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Last local date covered (inclusive).' })
  @Property({ type: 'date' })
  endsOn!: string;

  @Field({ description: 'true: whole dates; false: from startTime to endTime of each date.' })
  @Property()
  allDay: boolean = true;

  /** HH:mm:ss as PostgreSQL's time type reads; a part-day blackout's window on each date, in the covered service's zone. */
  @Property({ type: 'time', nullable: true })
  startTime?: string | null;

  @Property({ type: 'time', nullable: true })
  endTime?: string | null;

  @Field({ description: 'false: blocks nothing (kept for later).' })
  @Property()
  active: boolean = true;

  @Field(() => BlackoutKind, { description: 'Why the dates are blocked.' })
  @Enum({ items: () => BlackoutKind, nativeEnumName: 'blackout_kind' })
  kind!: BlackoutKind;

  @Field({ description: 'Short label shown to customers, e.g. "Christmas".' })
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, { description: 'Longer explanation; null when none.', nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
