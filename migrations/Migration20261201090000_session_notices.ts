import { Migration } from '@mikro-orm/migrations';

/**
 * Every change that can end a session or change what it may do (a session revoked or deleted, an account
 * deactivated, deleted or given another role) NOTIFYs `session_changed` with the account's id, on commit,
 * to every server process, whoever made it (the API, a script, psql). The processes keep their session
 * checks in memory and drop an account's on that notice. PostgreSQL folds identical notices of one
 * transaction into one, so ending every session of an account sends one.
 */
export class Migration20261201090000_session_notices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function announce_session_change() returns trigger language plpgsql as $$
begin
  -- tg_argv[0]: the column naming the account (session.user_id, app_user.id).
  perform pg_notify('session_changed', to_jsonb(case when tg_op = 'DELETE' then old else new end) ->> tg_argv[0]);
  return null;
end $$;`);
    this.addSql(
      `create trigger session_revoked after update of revoked_at on "session" for each row when (old.revoked_at is distinct from new.revoked_at) execute function announce_session_change('user_id');`,
    );
    this.addSql(
      `create trigger session_deleted after delete on "session" for each row execute function announce_session_change('user_id');`,
    );
    this.addSql(
      `create trigger account_changed after update of role, deactivated_at on "app_user" for each row when (old.role is distinct from new.role or old.deactivated_at is distinct from new.deactivated_at) execute function announce_session_change('id');`,
    );
    this.addSql(
      `create trigger account_deleted after delete on "app_user" for each row execute function announce_session_change('id');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger account_deleted on "app_user";`);
    this.addSql(`drop trigger account_changed on "app_user";`);
    this.addSql(`drop trigger session_deleted on "session";`);
    this.addSql(`drop trigger session_revoked on "session";`);
    this.addSql(`drop function announce_session_change();`);
  }
}
