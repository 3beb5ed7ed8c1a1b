import { OptionalProps, Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Provider } from '../accounts/provider.entity';
import { Service } from '../catalog/service.entity';
import { BlackoutKind } from './scheduling.enums';
import { DateScalar } from '../core/scalars';

/** Whole local dates on which one service, or every service of a provider, cannot be booked. */
@ObjectType('Blackout')
@Entity()
@Index({ properties: ['provider', 'startsOn', 'endsOn'] })
@Check({ name: 'blackout_dates_check', expression: 'ends_on >= starts_on' })
export class Blackout {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Provider, { ref: true })
  provider!: Ref<Provider>;

  /** Null: every service of the provider. */
  @ManyToOne(() => Service, { ref: true, nullable: true, deleteRule: 'cascade' })
  service?: Ref<Service> | null;

  @Field(() => DateScalar)
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => DateScalar)
  @Property({ type: 'date' })
  endsOn!: string;

  @Field(() => BlackoutKind)
  @Enum({ items: () => BlackoutKind, nativeEnumName: 'blackout_kind' })
  kind!: BlackoutKind;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
