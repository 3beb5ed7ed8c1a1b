// The SQL-home check (CONTRIBUTING.md, "SQL"): SQL statements live in `*.sql.ts` files beside their module.
// Exits 1 when any other file of src/ holds SQL text; `--list` prints what each such file holds.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
if (process.argv.includes('--list')) console.log(JSON.stringify(found, null, 2));
const problems = Object.entries(found).map(
  ([file, count]) => `${file}: ${count} piece(s) of SQL: move them to a *.sql.ts file beside it`,
);
if (problems.length) {
  console.error(`SQL outside its home (CONTRIBUTING.md, "SQL"):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('sql home: every SQL statement of src/ is in a *.sql.ts file');
