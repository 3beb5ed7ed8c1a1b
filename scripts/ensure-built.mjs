// Builds the server when the build tools are installed (a clone: `npm install`, `npm start` rebuild what
// changed); a production install (`npm ci --omit=dev`) has none of them and runs the dist/ it was given.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tools = true;
try {
  require.resolve('typescript');
} catch {
  tools = false;
}
if (tools) {
  const npm = process.env.npm_execpath;
  const build = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(build.status ?? 1);
}
if (!existsSync(new URL('../dist/src/main.js', import.meta.url))) {
  console.error('dist/ is missing and the build tools are not installed: run `npm ci && npm run build` first');
  process.exit(1);
}
