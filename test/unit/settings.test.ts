import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { loadConfig, SETTING_NAMES } from '../../src/config';
import { ConfigError } from '../../src/core/errors';

/** The variables .env.example names, set or commented out (`# NAME=value`). */
function exampleNames(): string[] {
  return [...fs.readFileSync('.env.example', 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
}

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    return error instanceof ConfigError ? error.message : String(error);
  }
};

describe('settings', () => {
  it('are all in .env.example, each once, and it names nothing the server does not read', () => {
    const names = exampleNames();
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    expect([...names].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('take one syntax for every switch: on/off, true/false, 1/0, in any case', () => {
    const switches = (env: Record<string, string>) => {
      const config = loadConfig(env);
      return [config.runWorker, config.explorer, config.webhooks.allowHttp, config.images.s3?.forcePathStyle];
    };
    const all = (value: string) => ({
      WORKER: value,
      EXPLORER: value,
      WEBHOOKS_ALLOW_HTTP: value,
      S3_FORCE_PATH_STYLE: value,
      S3_BUCKET: 'b',
    });
    for (const on of ['on', 'ON', 'true', 'True', '1', ' on '])
      expect([on, switches(all(on))]).toEqual([on, [true, true, true, true]]);
    for (const off of ['off', 'Off', 'false', 'FALSE', '0'])
      expect([off, switches(all(off))]).toEqual([off, [false, false, false, false]]);
    expect(switches({ S3_BUCKET: 'b' })).toEqual([true, true, false, false]); // the defaults
    for (const name of ['WORKER', 'EXPLORER', 'WEBHOOKS_ALLOW_HTTP', 'S3_FORCE_PATH_STYLE'])
      expect(refusal({ [name]: 'yes' })).toBe(`${name} must be on, off, true, false, 1 or 0, got "yes"`);
    // TRUST_PROXY takes the switch words too; digits stay a hop count.
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).trustProxy;
    expect(['on', 'TRUE', 'off', 'false', '', '1', '2', 'loopback, 10.0.0.0/8'].map(trust)).toEqual([
      true,
      true,
      false,
      false,
      false,
      1,
      2,
      'loopback, 10.0.0.0/8',
    ]);
  });

  it('read HOST, the address to listen on (unset: every interface)', () => {
    expect(loadConfig({}).host).toBeUndefined();
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });
});

describe('the tree', () => {
  it('points no one at folders of the machine it was written on', () => {
    const pattern = ['', 'work', ''].join('/'); // the folders of the machine the project was written on
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
      .split('\n')
      .filter(
        (file) =>
          file && fs.existsSync(file) && fs.lstatSync(file).isFile() && !/(^|\/)package-lock\.json$|\.png$/.test(file),
      );
    const cited = files.filter((file) => new RegExp(pattern).test(fs.readFileSync(file, 'utf8')));
    expect(cited).toEqual([]);
  });
});
