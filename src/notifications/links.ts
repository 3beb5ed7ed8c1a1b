import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a link confirming an email address works. */
const VERIFICATION_DAYS = 7;

export interface LinkSettings {
  /** The server's own address (PUBLIC_URL): its signed booking page. */
  publicUrl: string;
  /** The front end's address (APP_URL), when there is one: links then point at its pages. */
  appUrl?: string;
  linkSecret: string;
}

/**
 * Every link an email carries, each to a page that exists. With APP_URL, the front end's pages:
 * `/bookings/<id>`, `/bookings/<id>/review`, `/proposals/<id>`, `/waitlist/<id>`. Without it, the server's
 * booking page `GET /bookings/<id>?sig=<reader>.<hmac>`, signed for the participant who reads the email
 * (no login needed, read-only); proposals and waitlist offers then have no page, and their emails name
 * the API call instead of a link.
 */
export class Links {
  constructor(private readonly settings: LinkSettings) {}

  /** Where users reach the service: the front end, or this server. */
  get site(): string {
    return this.settings.appUrl ?? this.settings.publicUrl;
  }

  get toFrontEnd(): boolean {
    return this.settings.appUrl !== undefined;
  }

  /** The booking as `readerId` (its customer or its provider's user) may open it. */
  booking(bookingId: number, readerId: number): string {
    if (this.settings.appUrl) return `${this.settings.appUrl}/bookings/${bookingId}`;
    return `${this.settings.publicUrl}/bookings/${bookingId}?sig=${this.sign(bookingId, readerId)}`;
  }

  /** Where the customer reviews a completed booking: the front end's form, or the booking page (which says how). */
  review(bookingId: number, readerId: number): string {
    if (this.settings.appUrl) return `${this.settings.appUrl}/bookings/${bookingId}/review`;
    return this.booking(bookingId, readerId);
  }

  proposal(proposalId: number): string | null {
    return this.settings.appUrl ? `${this.settings.appUrl}/proposals/${proposalId}` : null;
  }

  /** Where a provider manages calendar connections: only the front end has such a page. */
  calendars(): string | null {
    return this.settings.appUrl ? `${this.settings.appUrl}/account/calendars` : null;
  }

  waitlistEntry(entryId: number): string | null {
    return this.settings.appUrl ? `${this.settings.appUrl}/waitlist/${entryId}` : null;
  }

  /**
   * The manage link of a booking (docs/guest-bookings.md): this server's page `/manage/<token>`, where whoever
   * got it sees the booking and confirms, cancels or moves it as its customer. The token names the booking
   * and its links' generation (revoking them raises it), signed: it opens that booking and no other.
   */
  manage(bookingId: number, generation: number): string {
    return `${this.settings.publicUrl}/manage/${this.manageToken(bookingId, generation)}`;
  }

  manageToken(bookingId: number, generation: number): string {
    return `${bookingId}.${generation}.${this.mac(`manage:${bookingId}:${generation}`)}`;
  }

  /** The booking and generation a manage token names; null when it is not one of ours (forged, altered). */
  managed(token: string): { bookingId: number; generation: number } | null {
    const match = /^(\d{1,10})\.(\d{1,10})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const [bookingId, generation] = [Number(match[1]), Number(match[2])];
    const expected = Buffer.from(this.manageToken(bookingId, generation).split('.')[2]);
    const given = Buffer.from(match[3]);
    return timingSafeEqual(expected, given) ? { bookingId, generation } : null;
  }

  /** The reader a booking page signature was made for, or null when it is not ours (forged, altered, another booking's). */
  reader(bookingId: number, signature: string): number | null {
    const match = /^(\d{1,10})\.([A-Za-z0-9_-]{43})$/.exec(signature);
    if (!match) return null;
    const readerId = Number(match[1]);
    const expected = Buffer.from(this.sign(bookingId, readerId).split('.')[1]);
    const given = Buffer.from(match[2]);
    return expected.length === given.length && timingSafeEqual(expected, given) ? readerId : null;
  }

  /**
   * Where a guest claims a waitlist offer (docs/guest-bookings.md): this server's page
   * `/waitlist-offer/<token>`, the token the entry's id signed; it claims that entry and no other.
   */
  waitlistClaim(entryId: number): string {
    return `${this.settings.publicUrl}/waitlist-offer/${this.signedId('waitlist-claim', entryId)}`;
  }

  /** The waitlist entry a claim token names; null when it is not one of ours (forged, altered). */
  waitlistClaimed(token: string): number | null {
    return this.idSigned('waitlist-claim', token);
  }

  /**
   * Where a guest accepts a provider's counter-offer (docs/guest-bookings.md): this server's page
   * `/counter-offer/<token>`, the token the proposal's id signed; it accepts that proposal's offer and no other.
   */
  counterOffer(proposalId: number): string {
    return `${this.settings.publicUrl}/counter-offer/${this.signedId('counter-offer', proposalId)}`;
  }

  /** The proposal a counter-offer token names; null when it is not one of ours (forged, altered). */
  counterOffered(token: string): number | null {
    return this.idSigned('counter-offer', token);
  }

  /** `<id>.<signature>`: an id that only this server can have signed for `purpose`. */
  private signedId(purpose: string, id: number): string {
    return `${id}.${this.mac(`${purpose}:${id}`)}`;
  }

  /** The id a `signedId` token of `purpose` names, or null when the token is not one. */
  private idSigned(purpose: string, token: string): number | null {
    const match = /^(\d{1,10})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const expected = Buffer.from(this.mac(`${purpose}:${match[1]}`));
    return timingSafeEqual(expected, Buffer.from(match[2])) ? Number(match[1]) : null;
  }

  /**
   * The link that confirms `email` as the address of account `userId`, for 7 days: the front end's
   * `/verify-email` page (it calls `verifyEmail`), or the server's own. Its token is signed for that
   * address, so it stops working if the account's address changes.
   */
  emailVerification(userId: number, email: string, now: Date): string {
    const expires = Math.floor(now.getTime() / 1000) + VERIFICATION_DAYS * 86_400;
    const token = `${userId}.${expires}.${this.mac(`verify-email:${userId}:${email}:${expires}`)}`;
    return `${this.site}/verify-email?token=${token}`;
  }

  /** The account a verification token names, and whether it confirms `email` at `now`; null when it is not one. */
  emailVerified(token: string): { userId: number; confirms(email: string, now: Date): boolean } | null {
    const match = /^(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const [userId, expires] = [Number(match[1]), Number(match[2])];
    return {
      userId,
      confirms: (email, now) =>
        expires * 1000 > now.getTime() &&
        timingSafeEqual(Buffer.from(this.mac(`verify-email:${userId}:${email}:${expires}`)), Buffer.from(match[3])),
    };
  }

  private mac(text: string): string {
    return createHmac('sha256', this.settings.linkSecret).update(text).digest('base64url');
  }

  private sign(bookingId: number, readerId: number): string {
    return `${readerId}.${this.mac(`booking-page:${bookingId}:${readerId}`)}`;
  }
}
