import type { Statement } from '../core/sql';

/**
 * Schemas whose functions and triggers are not ours: PostgreSQL's catalogs and graphile-worker's queue.
 * Functions of extensions (btree_gist's, in public) are left out by their dependency on the extension.
 */
const FOREIGN_SCHEMAS = `('pg_catalog', 'information_schema', 'pg_toast', 'graphile_worker')`;

/** The definition of each function and procedure of ours, by schema, name and arguments. */
export const ownFunctions = (): Statement<{ definition: string }> => ({
  sql: `select pg_get_functiondef(p.oid) as definition
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname not in ${FOREIGN_SCHEMAS} and p.prokind in ('f', 'p')
      and not exists (select 1 from pg_depend d
        where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
    order by n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) collate "C"`,
  params: [],
});

/** The definition of each trigger of ours (not the ones PostgreSQL makes for foreign keys), by name and table. */
export const ownTriggers = (): Statement<{ definition: string }> => ({
  sql: `select pg_get_triggerdef(t.oid, true) as definition
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where not t.tgisinternal and n.nspname not in ${FOREIGN_SCHEMAS}
    order by t.tgname, n.nspname, c.relname`,
  params: [],
});
