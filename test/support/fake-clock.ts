import type { Clock } from "../../shared/application/clock.js";

/** Virtual time: sleeping advances the clock at once, and every wait is recorded. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private current = Date.parse("2026-11-28T10:00:00Z")) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
