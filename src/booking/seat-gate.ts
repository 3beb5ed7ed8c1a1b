import { Counter } from 'prom-client';
import type { RequestContext } from '../core/context';
import { metrics } from '../infra/metrics';
import { capacityExceeded } from '../core/refusals';
import type { Slot } from '../scheduling/slot.entity';

const earlyRefusals = new Counter({
  name: 'booking_early_refusals_total',
  help: 'Bookings refused as full by a fresh read of their slot, before their write queued on its row',
  registers: [metrics],
});

type Counters = Pick<Slot, 'id' | 'capacity' | 'booked' | 'held'>;

/** A slot's free seats as the database has them now. */
export type SeatsLeft = (ctx: RequestContext, slotId: number) => Promise<number>;

/** What this process knows of one slot while bookings of it are on their way. */
interface SlotGate {
  /** Seats left as last seen (a read, less this process's bookings since); undefined once a write failed. */
  left: number | undefined;
  /** Seats this process's writes in flight take. */
  inFlight: number;
  waiters: (() => void)[];
  /** Bookings of this process at the gate (waiting, reading or writing): it is forgotten when none is. */
  holders: number;
  /** The fresh read under way, and the sequence number it was sent at. */
  reading?: { sentAt: number; left: Promise<number> };
}

/**
 * Keeps a hot slot's bookings off its row once it is full. Per process, a booking is written at once while
 * the seats last seen cover it and every write of this process in flight on its slots; otherwise it waits for
 * those writes. When none is left in flight and the seats seen do not cover it, one read of the slot's
 * counters, sent after it arrived and shared by every booking waiting, decides: too few seats refuse it
 * there (CAPACITY_EXCEEDED, as its write would), so that a burst of 200 on 20 seats sends about 20 writes
 * per process to the row, not 200. A booking is refused only by what the database said after it arrived:
 * never one that would have fit. The database still decides every write (`take_seats`).
 */
export class SeatGate {
  private readonly gates = new Map<number, SlotGate>();
  /** Orders arrivals and reads: a read sent after a booking arrived may refuse it. */
  private sequence = 0;

  constructor(private readonly seatsLeft: SeatsLeft) {}

  async through<T>(ctx: RequestContext, slots: Counters[], seats: number, write: () => Promise<T>): Promise<T> {
    const arrived = ++this.sequence;
    const gates = slots.map((slot) => this.gate(slot));
    try {
      await this.admit(ctx, slots, gates, seats, arrived);
    } catch (error) {
      for (const [i, gate] of gates.entries()) this.leave(slots[i].id, gate);
      throw error;
    }
    let took = false;
    try {
      const result = await write();
      took = true;
      return result;
    } finally {
      for (const [i, gate] of gates.entries()) {
        gate.inFlight -= seats;
        gate.left = took && gate.left !== undefined ? gate.left - seats : undefined;
        for (const wake of gate.waiters.splice(0)) wake();
        this.leave(slots[i].id, gate);
      }
    }
  }

  private async admit(ctx: RequestContext, slots: Counters[], gates: SlotGate[], seats: number, arrived: number) {
    for (;;) {
      if (gates.every((gate) => gate.left !== undefined && gate.inFlight + seats <= gate.left)) {
        for (const gate of gates) gate.inFlight += seats; // in the same turn as the check: no other booking between
        return;
      }
      const busy = gates.find((gate) => gate.inFlight > 0);
      if (busy) {
        await new Promise<void>((wake) => busy.waiters.push(wake));
        continue;
      }
      for (const [i, gate] of gates.entries()) {
        gate.left = await this.read(ctx, slots[i].id, gate, arrived);
        if (gate.left < seats) {
          earlyRefusals.inc();
          throw capacityExceeded(slots[i].id);
        }
      }
    }
  }

  /** The slot's seats left, from a read sent after `arrived`: one under way if it was, else a new one. */
  private async read(ctx: RequestContext, slotId: number, gate: SlotGate, arrived: number): Promise<number> {
    for (;;) {
      const reading = gate.reading;
      if (reading && reading.sentAt > arrived) return reading.left;
      if (reading) {
        await reading.left.catch(() => undefined);
        continue;
      }
      const sent = { sentAt: ++this.sequence, left: this.seatsLeft(ctx, slotId) };
      gate.reading = sent;
      try {
        return await sent.left;
      } finally {
        if (gate.reading === sent) gate.reading = undefined;
      }
    }
  }

  private gate(slot: Counters): SlotGate {
    let gate = this.gates.get(slot.id);
    if (!gate) {
      gate = { left: slot.capacity - slot.booked - slot.held, inFlight: 0, waiters: [], holders: 0 };
      this.gates.set(slot.id, gate);
    }
    gate.holders += 1;
    return gate;
  }

  /** Forgets a slot nobody is booking any more: what it knew is old by the next booking's read. */
  private leave(slotId: number, gate: SlotGate): void {
    gate.holders -= 1;
    if (gate.holders === 0) this.gates.delete(slotId);
  }
}
