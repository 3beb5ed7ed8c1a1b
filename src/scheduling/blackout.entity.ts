import { OptionalProps, Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Service } from '../catalog/service.entity';
import { BlackoutKind } from './scheduling.enums';
import { DateScalar } from '../core/scalars';

/** Whole local dates on which one service, or every service of a provider, cannot be booked. */
@ObjectType('Blackout', {
  description: "Whole local dates on which a service (or all of a provider's services) cannot be booked.",
})
@Entity()
@Index({ properties: ['provider', 'startsOn', 'endsOn'] })
@Check({ name: 'blackout_dates_check', expression: 'ends_on >= starts_on' })
export class Blackout {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: 'Stable identifier of the blackout.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Provider, { ref: true })
  provider!: Ref<Provider>;

  /** Null: every service of the provider. */
  @ManyToOne(() => Service, { ref: true, nullable: true, deleteRule: 'cascade' })
  service?: Ref<Service> | null;

  @Field(() => DateScalar, { description: 'First local date covered (inclusive).' })
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => DateScalar, { description: 'Last local date covered (inclusive).' })
  @Property({ type: 'date' })
  endsOn!: string;

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
