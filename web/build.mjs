// Bundles the browser pages (the GraphQL explorer and the live calendar) into dist/web: no CDN at run time.
import { build } from 'esbuild';

const common = { bundle: true, minify: true, logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' } };
const monaco = 'monaco-editor/esm/vs';

await Promise.all([
  build({
    ...common,
    entryPoints: { explorer: 'web/explorer.tsx', calendar: 'web/calendar.ts' },
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
