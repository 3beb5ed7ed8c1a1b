import { Migration } from '@mikro-orm/migrations';

/**
 * Booking questions (docs/public-page.md, "Booking questions"): the questions a service asks, and the
 * answers a booking or proposal gave, each kept with the question as it was asked.
 */
export class Migration20261222090000_booking_questions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "service" add column "questions" jsonb not null default '[]', add constraint "service_questions_check" check (jsonb_typeof(questions) = 'array');`,
    );
    this.addSql(
      `alter table "booking" add column "answers" jsonb not null default '[]', add constraint "booking_answers_check" check (jsonb_typeof(answers) = 'array');`,
    );
    this.addSql(
      `alter table "proposal" add column "answers" jsonb not null default '[]', add constraint "proposal_answers_check" check (jsonb_typeof(answers) = 'array');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "proposal" drop constraint "proposal_answers_check", drop column "answers";`);
    this.addSql(`alter table "booking" drop constraint "booking_answers_check", drop column "answers";`);
    this.addSql(`alter table "service" drop constraint "service_questions_check", drop column "questions";`);
  }
}
