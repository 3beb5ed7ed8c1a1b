import { OptionalProps, Check, Entity, Enum, Formula, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Service } from '../catalog/service.entity';
import { Schedule } from './schedule.entity';
import { SlotStatus } from './scheduling.enums';

/** One bookable occurrence with its seat counters; the database refuses to oversell it. */
@ObjectType('Slot', { description: 'One bookable occurrence of a service: a start, an end and a number of seats.' })
@Entity()
@Unique({ properties: ['service', 'startsAt'] })
@Index({ properties: ['service', 'localDate'] })
@Check({ name: 'slot_seats_check', expression: 'booked >= 0 and held >= 0 and booked + held <= capacity' })
@Check({ name: 'slot_capacity_check', expression: 'capacity > 0' })
@Check({ name: 'slot_time_check', expression: 'ends_at > starts_at' })
export class Slot {
  [OptionalProps]?: 'booked' | 'held' | 'status' | 'blackedOut';

  @Field(() => ID, { description: 'Stable identifier of the slot; what `book` and `propose` take.' })
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Service, { ref: true })
  service!: Ref<Service>;

  @ManyToOne(() => Schedule, { ref: true, nullable: true, deleteRule: 'set null' })
  schedule?: Ref<Schedule> | null;

  @Field({ description: 'When the slot starts.' })
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field({ description: 'When the slot ends.' })
  @Property({ type: 'timestamptz' })
  endsAt!: Date;

  /** The date of `startsAt` in the service's zone, for day views and blackouts. */
  @Property({ type: 'date' })
  localDate!: string;

  @Field(() => Int, { description: 'Seats in all.' })
  @Property()
  capacity!: number;

  @Field(() => Int, { description: 'Seats taken by CONFIRMED bookings.' })
  @Property()
  booked: number = 0;

  @Field(() => Int, { description: 'Seats frozen by bookings awaiting payment and by waitlist offers.' })
  @Property()
  held: number = 0;

  @Field(() => SlotStatus, { description: 'Whether the slot takes bookings.' })
  @Enum({ items: () => SlotStatus, nativeEnumName: 'slot_status' })
  status: SlotStatus = SlotStatus.OPEN;

  /** The slot's own price, else (at generation) its schedule's; null means the service's. */
  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  priceAmount?: string | null;

  /** Whether a blackout of its service or of the whole provider covers its local date. */
  @Formula(
    (alias) =>
      `exists (select 1 from blackout b join service s on s.id = ${alias}.service_id ` +
      `where b.provider_id = s.provider_id and (b.service_id is null or b.service_id = ${alias}.service_id) ` +
      `and ${alias}.local_date between b.starts_on and b.ends_on)`,
    { lazy: false },
  )
  blackedOut: boolean = false;

  /** Seats that can still be taken now (CONTRACT.md, "Catalog, schedules, slots"). */
  seatsAvailable(now: Date): number {
    if (this.status !== SlotStatus.OPEN || this.blackedOut || this.startsAt <= now) return 0;
    return this.capacity - this.booked - this.held;
  }
}

/** Orders slots by their start. */
export const byStart = (a: Slot, b: Slot): number => a.startsAt.getTime() - b.startsAt.getTime();
