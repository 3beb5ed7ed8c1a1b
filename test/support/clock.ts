import type { Clock } from '../../src/core/clock';

/** A clock that runs with real time but can be moved ahead, for windows of hours tested in milliseconds. */
export class TestClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
