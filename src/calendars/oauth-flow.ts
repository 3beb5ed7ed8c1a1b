import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../core/context';
import { run } from '../core/sql';
import { finishConsent, insertTicket, startConsent, sweepFlows } from './oauth-flow.sql';

/** How long the start link `connect...` answers may wait to be opened, and a started consent to come back. */
const TICKET_TTL_MS = 2 * 60_000;
const CONSENT_TTL_MS = 10 * 60_000;

const digest = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');
/** base64url of 32 bytes: the shape of every ticket, state and browser value this module makes. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What one OAuth provider (Google, Microsoft) adds to the flow. */
export interface ConsentProvider {
  /** The provider's consent page for this `state`, with a PKCE challenge (S256 of the verifier). */
  consentUrl(state: string, codeChallenge: string): string | Promise<string>;
  /** Connects the account a consent came back with: the code is traded with the verifier `consentUrl` was challenged for. */
  complete(ctx: RequestContext, providerId: number, code: string, codeVerifier: string): Promise<ConsentPage>;
}

/** What the browser is shown when a consent comes back. */
export interface ConsentPage {
  status: number;
  title: string;
  message: string;
}

/** A started consent: where to send the browser, and the value its cookie must carry back. */
export interface StartedConsent {
  consentUrl: string;
  browser: string;
}

/** A consent come back to the browser that started it, for `providerId`, with the PKCE verifier to trade its code with. */
export type ReturnedConsent =
  | { ok: true; providerId: number; codeVerifier: string }
  | { ok: false; why: 'unknown' | 'other-browser' };

/**
 * OAuth consents bound to the browser that started them, for any provider (`kind`).
 *
 * 1. `ticket` (the signed-in provider's mutation): a single-use start link on this server, valid 2 minutes.
 * 2. `start` (the browser opens the link): the ticket is used up; a fresh random state and a fresh random
 *    browser value are made; the browser gets the value in an HttpOnly cookie, the database only its
 *    hash, and the browser is sent to the consent page with the state and a PKCE challenge whose verifier
 *    is an HMAC of the state and the browser value under a server key: only that browser's cookie can
 *    make it, and it is stored nowhere.
 * 3. `finish` (the provider sends the browser back): the state is used up first, whatever follows; a
 *    browser without the same cookie (the consent URL opened elsewhere) is refused, so a consent approved
 *    in another browser connects nothing; the verifier is made again for the code's exchange, so a code
 *    from another consent (injected) is refused by the provider itself.
 */
export class OAuthFlows {
  constructor(
    private readonly publicUrl: string,
    private readonly pkceKey: string,
  ) {}

  /** The start link of a consent for `providerId`'s account at `kind`; old flows are swept meanwhile. */
  async ticket(ctx: RequestContext, kind: string, providerId: number): Promise<string> {
    const ticket = randomToken();
    const now = ctx.clock.now();
    await run(ctx.em, sweepFlows(now));
    await run(ctx.em, insertTicket(kind, providerId, digest(ticket), new Date(now.getTime() + TICKET_TTL_MS)));
    return `${this.publicUrl}/oauth/${kind}/start?ticket=${ticket}`;
  }

  /** Uses up a start link's ticket: the consent to send the browser to, or null when the link is not (or no longer) valid. */
  async start(
    ctx: RequestContext,
    kind: string,
    ticket: string,
    provider: ConsentProvider,
  ): Promise<StartedConsent | null> {
    if (!TOKEN.test(ticket)) return null;
    const state = randomToken();
    const browser = randomToken();
    const now = ctx.clock.now();
    const consent = {
      stateHash: digest(state),
      browserHash: digest(browser),
      expiresAt: new Date(now.getTime() + CONSENT_TTL_MS),
    };
    const [row] = await run(ctx.em, startConsent(kind, digest(ticket), consent, now));
    if (!row) return null;
    return { consentUrl: await provider.consentUrl(state, this.challenge(this.verifier(state, browser))), browser };
  }

  /** Uses up a returned consent's state and checks that it came back to the browser that started it. */
  async finish(
    ctx: RequestContext,
    kind: string,
    state: string,
    browser: string | undefined,
  ): Promise<ReturnedConsent> {
    if (!TOKEN.test(state)) return { ok: false, why: 'unknown' };
    const [row] = await run(ctx.em, finishConsent(kind, digest(state), ctx.clock.now()));
    if (!row) return { ok: false, why: 'unknown' };
    const given = Buffer.from(digest(browser && TOKEN.test(browser) ? browser : ''));
    if (!browser || !timingSafeEqual(given, Buffer.from(row.browser_hash))) return { ok: false, why: 'other-browser' };
    return { ok: true, providerId: row.provider_id, codeVerifier: this.verifier(state, browser) };
  }

  /** 43 base64url characters: a valid PKCE verifier (RFC 7636: 43 to 128 of [A-Za-z0-9-._~]). */
  private verifier(state: string, browser: string): string {
    return createHmac('sha256', this.pkceKey).update(`pkce:${state}:${browser}`).digest('base64url');
  }

  private challenge(verifier: string): string {
    return createHash('sha256').update(verifier).digest('base64url');
  }
}
