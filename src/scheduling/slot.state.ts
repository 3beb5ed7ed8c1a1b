import { StateTable } from '../core/state-table';
import type { Slot } from './slot.entity';
import { SlotStatus } from './scheduling.enums';

const { OPEN, CLOSED, CANCELLED } = SlotStatus;

/** A provider closes and reopens a slot (`setAvailability`) or cancels it for good (`cancelSlot`). */
export const SLOT_STATES = new StateTable<SlotStatus>('slot', {
  [OPEN]: { [CLOSED]: ['user'], [CANCELLED]: ['user'] },
  [CLOSED]: { [OPEN]: ['user'], [CANCELLED]: ['user'] },
  [CANCELLED]: {},
});

/** Moves a slot's status through its state table. */
export function moveSlot(slot: Slot, to: SlotStatus): void {
  SLOT_STATES.assertMove(slot.status, to, 'user');
  slot.status = to;
}
