// Builds the server in a source tree with its build tools installed (a clone: `npm install` and
// `npm start` rebuild what changed); a built tree (dist/ and the production dependencies, as the Docker
// image and `npm ci --omit=dev` have it) runs the dist/ it was given.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('../', import.meta.url);
const sources = existsSync(new URL('tsconfig.build.json', root)) && existsSync(new URL('src', root));
let tools = true;
try {
  createRequire(import.meta.url).resolve('esbuild'); // a development dependency: the explorer's bundler
} catch {
  tools = false;
}
if (sources && tools) {
  const npm = process.env.npm_execpath;
  const build = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(build.status ?? 1);
}
if (!existsSync(new URL('dist/src/main.js', root))) {
  console.error(
    sources
      ? 'dist/ is missing and the build tools are not installed: run `npm ci` (with the development dependencies) first'
      : 'dist/ is missing: copy the built dist/ beside package.json',
  );
  process.exit(1);
}
