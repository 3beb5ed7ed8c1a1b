import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';

/** The package's root, found from the compiled (dist/src/server) or the source (src/server) tree alike. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = path.dirname(dir);
  }
  return dir;
}

/** The pages' scripts, styles and fonts, bundled into dist/web by `npm run build` (web/build.mjs): nothing comes from a CDN. */
export const WEB_ASSETS_PATH = '/assets';

export function webAssets(): RequestHandler {
  return express.static(path.join(packageRoot(), 'dist', 'web'), { index: false });
}
