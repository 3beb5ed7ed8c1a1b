import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium with nothing of its own to fetch: no updates, sync, QUIC or background traffic. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A fresh Chromium profile that may reach only `origin` (and the local fakes of outside services named in
 * `others`, e.g. Stripe's hosted Checkout page): every request or socket to another host is refused and
 * recorded in `offHost`, which a test expects to stay empty (the pages work offline).
 */
export class OfflineBrowser {
  readonly offHost: string[] = [];
  readonly errors: string[] = [];

  private constructor(
    private readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  /** `timezoneId`: the zone the browser lives in (the machine's by default). */
  static async launch(
    origin: string,
    others: string[] = [],
    { timezoneId }: { timezoneId?: string } = {},
  ): Promise<OfflineBrowser> {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
    const { host } = new URL(origin);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timezoneId,
      // The network itself knows no other host either: a request that slipped past routing would fail.
      args: [...ARGS, `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${new URL(origin).hostname}`],
    });
    const browser = new OfflineBrowser(context, profile);
    const allowed = new Set([host, ...others.map((other) => new URL(other).host)]);
    const elsewhere = (url: URL) => !allowed.has(url.host);
    await context.route(elsewhere, (route) => {
      browser.offHost.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    await context.routeWebSocket(elsewhere, (socket) => {
      browser.offHost.push(socket.url());
      return socket.close();
    });
    context.on('weberror', (error) => browser.errors.push(String(error.error())));
    return browser;
  }

  /** A new tab, watched for errors; `page.goto` opens the address. */
  async newPage(): Promise<Page> {
    const page = await this.context.newPage();
    page.on('console', (message) => message.type() === 'error' && this.errors.push(message.text()));
    page.on('dialog', (dialog) => {
      this.errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return page;
  }

  /** Expects that nothing came from another host (no CDN: the pages work offline) and nothing failed in a page. */
  expectClean(): void {
    expect(this.offHost).toEqual([]);
    expect(this.errors).toEqual([]);
  }

  async close(): Promise<void> {
    await this.context.close();
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}
