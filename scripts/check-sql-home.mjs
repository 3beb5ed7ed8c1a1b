// The SQL-home check (CONTRIBUTING.md, "SQL"): SQL statements live in `*.sql.ts` files beside their module.
// Exits 1 when a file outside them holds SQL text, unless it is on the allowlist below with at most that
// many pieces; the allowlist only shrinks (a listed file that holds fewer must be lowered or removed).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Today's files with SQL outside a `*.sql.ts`, and how many pieces each holds: to be emptied, not grown. */
const ALLOWLIST = {};

/** Text that reads as SQL: a statement's opening words, or clauses no other text in this code uses. */
const SQL =
  /\b(select\s[\s\S]*?\sfrom\s|insert\s+into\s|update\s+[\w."]+\s+set\s|delete\s+from\s|pg_notify\s*\(|for\s+(no\s+key\s+)?update\b|on\s+conflict\b|create\s+(or\s+replace\s+)?(table|function|trigger|index|database)\b|drop\s+database\b|(^|\s)(listen|unlisten)\s+\w|select\s+(pg_|set_config|\d|count\(|exists\())/i;

/** Every string and template literal of a source file (template holes left in place: they join a statement's parts). */
function literals(text) {
  return [...text.matchAll(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g)].map((match) => match[0]);
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.sql.ts') ? [file] : [];
  });
}

const found = {};
for (const file of sources('src')) {
  const count = literals(readFileSync(file, 'utf8')).filter((literal) => SQL.test(literal)).length;
  if (count) found[file] = count;
}
const problems = [];
for (const [file, count] of Object.entries(found)) {
  const allowed = ALLOWLIST[file] ?? 0;
  if (count > allowed)
    problems.push(
      `${file}: ${count} piece(s) of SQL${allowed ? ` (allowed ${allowed})` : ''}: move them to a *.sql.ts file`,
    );
}
for (const [file, allowed] of Object.entries(ALLOWLIST))
  if ((found[file] ?? 0) < allowed)
    problems.push(
      `${file}: now ${found[file] ?? 0} piece(s) of SQL, listed with ${allowed}: lower or remove its entry`,
    );
if (process.argv.includes('--list')) console.log(JSON.stringify(found, null, 2));
if (problems.length) {
  console.error(`SQL outside its home (CONTRIBUTING.md, "SQL"):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const left = Object.values(ALLOWLIST).reduce((sum, count) => sum + count, 0);
console.log(
  `sql home: no new SQL outside *.sql.ts (${Object.keys(ALLOWLIST).length} files, ${left} pieces still to move)`,
);
