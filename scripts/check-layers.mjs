// The layer check (CONTRIBUTING.md, "Layers"): every import in src/ points down or sideways, never back up.
// Exits 1 naming each import that points up and is not one of the exceptions below.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The layers, bottom first: a file may import its own layer and the ones below it. */
const LAYERS = [
  { name: 'kernel', holds: (file) => file.startsWith('src/core/') },
  { name: 'infrastructure', holds: (file) => file.startsWith('src/infra/') },
  { name: 'graphql', holds: (file) => file.startsWith('src/graphql/') },
  {
    name: 'domain',
    holds: (file) =>
      ['src/config.ts', 'src/jobs.ts', 'src/events.ts', 'src/entities.ts'].includes(file) ||
      (/^src\/[^/]+\//.test(file) && !/^src\/(core|infra|graphql|server)\//.test(file)),
  },
  { name: 'composition', holds: (file) => ['src/domain.ts', 'src/tasks.ts', 'src/seed.ts'].includes(file) },
  { name: 'server', holds: (file) => file.startsWith('src/server/') },
  { name: 'processes', holds: (file) => /^src\/[^/]+\.ts$/.test(file) },
];

/** Imports that point up today, each with why it stays; the list only shrinks. */
const EXCEPTIONS = [
  {
    from: 'src/core/effects.ts',
    to: 'src/jobs.ts',
    why: "the kernel's effect list takes the app's job union (a type), so a job's payload is checked where it is queued",
  },
  { from: 'src/core/jobs.ts', to: 'src/jobs.ts', why: 'the same: job timing is typed by the job list (a type)' },
  {
    from: 'src/core/context.ts',
    to: 'src/accounts/role.ts',
    why: "a request's actor carries its role (a type); role.ts is imported from 40 files",
  },
  { from: 'src/infra/orm.ts', to: 'src/entities.ts', why: 'MikroORM is started with every entity class' },
  {
    from: 'src/core/refusals.ts',
    to: 'src/infra/metrics.ts',
    why: 'a seat race lost in the database is counted where its refusal is recognised (the capacity errors metric)',
  },
];

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

const rank = (file) => LAYERS.findIndex((layer) => layer.holds(file));

/** The files of src/ a file imports (static, type-only, re-exports and dynamic imports alike). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  for (const [, target] of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'(\.[^']+)'/gm)) {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
    if (!resolved.startsWith('src/')) continue; // the migrations, package.json: outside the layers
    found.push(resolved.endsWith('.ts') ? resolved : `${resolved}.ts`);
  }
  return found;
}

const files = sources('src');
const unplaced = files.filter((file) => rank(file) < 0);
const upward = [];
const used = new Set();
for (const file of files) {
  for (const target of importsOf(file)) {
    const to = files.includes(target) ? target : target.replace(/\.ts$/, '/index.ts');
    if (rank(to) <= rank(file)) continue;
    const exception = EXCEPTIONS.find((it) => it.from === file && it.to === to);
    if (exception) used.add(exception);
    else upward.push(`${file} (${LAYERS[rank(file)].name}) imports ${to} (${LAYERS[rank(to)].name})`);
  }
}
const stale = EXCEPTIONS.filter((it) => !used.has(it)).map((it) => `${it.from} -> ${it.to}`);
if (unplaced.length) console.error(`In no layer (add it to LAYERS):\n  ${unplaced.join('\n  ')}`);
if (upward.length) console.error(`Imports that point back up a layer:\n  ${upward.join('\n  ')}`);
if (stale.length) console.error(`Exceptions no longer needed (remove them):\n  ${stale.join('\n  ')}`);
if (unplaced.length || upward.length || stale.length) process.exit(1);
console.log(
  `layers: ${files.length} files, every import points down or sideways (${EXCEPTIONS.length} listed exceptions)`,
);
