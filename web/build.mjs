// Bundles the browser pages (the GraphQL explorer and the live calendar) into dist/web: no CDN at run time.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** Newest modification time under the given files and folders (0 when none exists). */
function newest(paths) {
  let time = 0;
  for (const entry of paths) {
    if (!fs.existsSync(entry)) continue;
    const stat = fs.statSync(entry);
    time = Math.max(
      time,
      stat.isDirectory() ? newest(fs.readdirSync(entry).map((name) => path.join(entry, name))) : stat.mtimeMs,
    );
  }
  return time;
}

const outputs = [
  'explorer.js',
  'calendar.js',
  'book.js',
  'editor.worker.js',
  'json.worker.js',
  'graphql.worker.js',
].map((name) => path.join('dist/web', name));
// `npm start` builds first: a bundle newer than its sources and the lock file is kept, so starting takes no bundling.
const current =
  outputs.every((file) => fs.existsSync(file)) &&
  Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs)) >
    newest(['web', 'src/i18n', 'src/booking/pricing.ts', 'src/server/pages', 'package-lock.json']);

const common = { bundle: true, minify: true, logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' } };
const monaco = 'monaco-editor/esm/vs';

if (!current)
  await Promise.all([
    build({
      ...common,
      entryPoints: { explorer: 'web/explorer.tsx', calendar: 'web/calendar.ts', book: 'web/book.ts' },
      outdir: 'dist/web',
      format: 'iife',
      loader: { '.ttf': 'file' },
      jsx: 'automatic',
    }),
    build({
      ...common,
      entryPoints: {
        'editor.worker': `${monaco}/editor/editor.worker.js`,
        'json.worker': `${monaco}/language/json/json.worker.js`,
        'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
      },
      outdir: 'dist/web',
      format: 'iife',
    }),
  ]);
