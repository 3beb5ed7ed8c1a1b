import {
  type AccountInfo,
  AuthError,
  ConfidentialClientApplication,
  type ICachePlugin,
  type INetworkModule,
  InteractionRequiredAuthError,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { IntegrationError } from '../integration-error';

/** The app registered in Microsoft Entra ID, and where its endpoints are (tests point both URLs at a local server). */
export interface MicrosoftSettings {
  clientId: string;
  clientSecret: string;
  /** `common` (work, school and personal accounts), `organizations`, `consumers` or one tenant's id or domain. */
  tenant: string;
  /** The identity platform's base URL, e.g. https://login.microsoftonline.com (MSAL accepts https only). */
  loginUrl: string;
  /** Microsoft Graph's base URL, e.g. https://graph.microsoft.com. */
  graphUrl: string;
  /** How long one call (a token request or one Graph attempt) may take. */
  timeoutMs: number;
  /** Also ask for OnlineMeetings.ReadWrite, for servers offering Microsoft Teams meetings. */
  teams: boolean;
  /** Graph's 429/503/504 are retried inside one call this many times ... */
  maxRetries: number;
  /** ... while Graph asks to wait at most this long; a longer Retry-After is the caller's (a job's) to honour. */
  maxRetryWaitSeconds: number;
}

export const MICROSOFT_DEFAULTS = {
  tenant: 'common',
  loginUrl: 'https://login.microsoftonline.com',
  graphUrl: 'https://graph.microsoft.com',
  timeoutMs: 15_000,
  teams: false,
  maxRetries: 3,
  maxRetryWaitSeconds: 30,
} satisfies Omit<MicrosoftSettings, 'clientId' | 'clientSecret'>;

/**
 * Where a connection's MSAL token cache lives (the caller seals it at rest: it holds the refresh token).
 * `load` answers null before the first save.
 */
export interface TokenCacheStore {
  load(): Promise<string | null>;
  save(serializedCache: string): Promise<void>;
}

/** A connected account, as the token and Graph's /me tell it. */
export interface MicrosoftAccount {
  /** MSAL's key for the account's tokens (`<object id>.<tenant id>`). */
  homeAccountId: string;
  tenantId: string;
  /** A personal Microsoft account (outlook.com, hotmail.com): no free/busy API (getSchedule), no Teams for business. */
  personal: boolean;
  email: string;
  displayName: string | null;
}

/** The tenant Microsoft gives every personal account. */
const PERSONAL_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

export const isPersonalTenant = (tenantId: string) => tenantId === PERSONAL_TENANT;

/** A cache that lives in memory until it is saved somewhere else (the first token of a connection). */
export class MemoryTokenCache implements TokenCacheStore {
  value: string | null = null;
  async load() {
    return this.value;
  }
  async save(serializedCache: string) {
    this.value = serializedCache;
  }
}

/**
 * MSAL reads its cache from the connection's store once (the first time it needs it) and writes it back
 * whenever it changed (a new access token, a rotated refresh token).
 */
function cachePlugin(store: TokenCacheStore): ICachePlugin {
  let loaded = false;
  return {
    async beforeCacheAccess(context) {
      if (loaded) return;
      const serialized = await store.load();
      if (serialized) context.tokenCache.deserialize(serialized);
      loaded = true;
    },
    async afterCacheAccess(context) {
      if (context.cacheHasChanged) await store.save(context.tokenCache.serialize());
    },
  };
}

/** MSAL's calls over Node's fetch with our timeout (MSAL's own client has none on token requests). */
function timedNetwork(timeoutMs: number): INetworkModule {
  const send = async <T>(url: string, method: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      headers: Object.fromEntries(response.headers),
      body: (await response.json()) as T,
      status: response.status,
    };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, 'GET', options),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  };
}

/** Reads a failed MSAL call: a refused grant needs the provider to reconnect; anything else may pass with time. */
export function tokenFailure(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (error instanceof AuthError) {
    const reconnect =
      error instanceof InteractionRequiredAuthError ||
      error.errorCode === 'invalid_grant' ||
      error.errorCode === 'no_tokens_found';
    const message = `Microsoft refused the token request (${error.errorCode}): ${error.errorMessage.split('\r\n')[0]}`;
    return new IntegrationError('microsoft', reconnect ? 'reconnect' : 'failed', message, null, error.errorCode);
  }
  const timedOut = (error as Error).name === 'TimeoutError';
  return new IntegrationError(
    'microsoft',
    'failed',
    timedOut ? 'Microsoft sign-in gave no answer in time' : `Microsoft sign-in failed: ${(error as Error).message}`,
  );
}

/**
 * Tokens for Microsoft Graph through MSAL: the consent URL with PKCE, the code exchanged for tokens, and
 * access tokens for a connection from its own token cache. One ConfidentialClientApplication is made per
 * use, as MSAL asks of servers that keep one cache per user, so that two connections never share one.
 */
export class MicrosoftAuth {
  readonly scopes: string[];

  constructor(readonly settings: MicrosoftSettings) {
    // MSAL adds openid, profile and offline_access (the refresh token) to every request.
    this.scopes = ['User.Read', 'Calendars.ReadWrite', ...(settings.teams ? ['OnlineMeetings.ReadWrite'] : [])];
  }

  app(store?: TokenCacheStore): ConfidentialClientApplication {
    const { clientId, clientSecret, tenant, loginUrl, timeoutMs } = this.settings;
    return new ConfidentialClientApplication({
      auth: {
        clientId,
        clientSecret,
        authority: `${loginUrl.replace(/\/+$/, '')}/${tenant}`,
        // The host is trusted as it is, so MSAL does not ask login.microsoftonline.com about another one.
        knownAuthorities: [new URL(loginUrl).host],
      },
      ...(store ? { cache: { cachePlugin: cachePlugin(store) } } : {}),
      system: {
        networkClient: timedNetwork(timeoutMs),
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
      },
    });
  }

  /**
   * Microsoft's sign-in and consent page for a PKCE challenge (S256) whose verifier the caller keeps (the
   * OAuth flow remakes it from the state and the browser) until the callback. `select_account` lets a
   * provider with several accounts pick the one to connect.
   */
  consentUrl(redirectUri: string, state: string, codeChallenge: string, loginHint?: string): Promise<string> {
    return this.app().getAuthCodeUrl({
      scopes: this.scopes,
      redirectUri,
      state,
      codeChallenge,
      codeChallengeMethod: 'S256',
      prompt: 'select_account',
      responseMode: 'query',
      ...(loginHint ? { loginHint } : {}),
    });
  }

  /** Trades the callback's code (with the verifier of its consent URL) for tokens, written to `store`. */
  async redeem(store: TokenCacheStore, code: string, codeVerifier: string, redirectUri: string): Promise<AccountInfo> {
    try {
      const result = await this.app(store).acquireTokenByCode({ code, codeVerifier, redirectUri, scopes: this.scopes });
      if (!result.account)
        throw new IntegrationError('microsoft', 'failed', 'Microsoft gave no account with the token');
      return result.account;
    } catch (error) {
      throw tokenFailure(error);
    }
  }

  /**
   * An access token for the account of `app`'s cache: the cached one while it is valid, else a new one
   * through the refresh token (which Microsoft replaces on each use; the new one is saved).
   */
  async accessToken(app: ConfidentialClientApplication, forceRefresh: boolean): Promise<string> {
    try {
      const [account] = await app.getTokenCache().getAllAccounts();
      if (!account) throw new IntegrationError('microsoft', 'reconnect', 'No Microsoft account is stored: reconnect');
      return (await app.acquireTokenSilent({ account, scopes: this.scopes, forceRefresh })).accessToken;
    } catch (error) {
      throw tokenFailure(error);
    }
  }
}
