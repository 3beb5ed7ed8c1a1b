import type { RequestContext } from '../core/context';
import type { NotificationService } from '../notifications/notification.service';
import { recordChange } from './audit';
import type { Booking } from './booking.entity';
import { seatColumn } from './booking.state';
import { changeSeats } from './seat-ledger';

/** Told which slots have seats free again, in the transaction that freed them (the waitlist offers them). */
export type SeatsFreed = (tx: RequestContext, slotIds: number[]) => Promise<void>;

/** What every change of a booking does besides its own work, in the change's transaction. */
export class BookingChanges {
  constructor(
    private readonly notifications: NotificationService,
    private readonly seatsFreed: SeatsFreed,
  ) {}

  /** The audit entry, the live notice and the emails of one change. */
  async record(tx: RequestContext, booking: Booking, action: string, before: object | null, reason?: string | null): Promise<void> {
    await recordChange(tx, booking, action, before, reason);
    await this.notifications.bookingChanged(tx, booking, action);
  }

  /** Gives back the seats the booking holds or has booked (as its status says), then offers them on. */
  async releaseSeats(tx: RequestContext, booking: Booking): Promise<void> {
    const column = seatColumn(booking.status);
    if (!column) return;
    const entries = booking.slots.getItems();
    await changeSeats(tx.em, column, new Map(entries.map((entry) => [entry.slot.id, -entry.seats])), tx.clock.now());
    await this.offerFreed(tx, entries.map((entry) => entry.slot.id));
  }

  async offerFreed(tx: RequestContext, slotIds: number[]): Promise<void> {
    if (slotIds.length > 0) await this.seatsFreed(tx, slotIds);
  }
}
