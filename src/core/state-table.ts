import { DomainError } from './errors';

/** Who makes a move: a signed-in user, the bank (Stripe's word) or the server on its own (expiry jobs, waitlist offers). */
export type Mover = 'user' | 'bank' | 'server';

/** For each status, the statuses it may move to and who may make each move. */
export type Moves<S extends string> = Record<S, Partial<Record<S, readonly Mover[]>>>;

/** A status machine: the only judge of whether a status may change, and by whom. */
export class StateTable<S extends string> {
  constructor(
    readonly name: string,
    private readonly moves: Moves<S>,
  ) {}

  canMove(from: S, to: S, by: Mover): boolean {
    return this.moves[from][to]?.includes(by) ?? false;
  }

  assertMove(from: S, to: S, by: Mover): void {
    if (!this.canMove(from, to, by)) {
      const what = this.name.toLowerCase();
      throw new DomainError('INVALID_TRANSITION', `A ${from} ${what} cannot become ${to}`, { from, to });
    }
  }

  /** Every status the table knows, for tests that walk every pair. */
  get statuses(): S[] {
    return Object.keys(this.moves) as S[];
  }
}
