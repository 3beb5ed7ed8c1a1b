import { Migration } from '@mikro-orm/migrations';

/**
 * Minimum capacity (docs/minimum-capacity.md): a schedule's minimum number of people and how many hours
 * before the start they must have booked; each slot it generates carries the minimum and its deadline.
 */
export class Migration20261223100000_minimum_capacity extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "schedule" add column "min_capacity" int null, add column "min_capacity_hours" int null, add constraint "schedule_min_capacity_check" check ((min_capacity is null) = (min_capacity_hours is null) and (min_capacity is null or (min_capacity between 1 and capacity and min_capacity_hours between 0 and 8760)));`,
    );
    this.addSql(
      `alter table "slot" add column "min_capacity" int null, add column "min_deadline" timestamptz null, add constraint "slot_min_capacity_check" check ((min_capacity is null) = (min_deadline is null) and (min_capacity is null or (min_capacity >= 1 and min_deadline <= starts_at)));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "slot" drop constraint "slot_min_capacity_check", drop column "min_capacity", drop column "min_deadline";`,
    );
    this.addSql(
      `alter table "schedule" drop constraint "schedule_min_capacity_check", drop column "min_capacity", drop column "min_capacity_hours";`,
    );
  }
}
