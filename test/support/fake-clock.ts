import type { Clock } from "../../shared/application/clock.js";

/**
 * Virtual time: sleeping advances the clock at once, and every wait is recorded. Deadline
 * signals abort when virtual time reaches them, never on their own.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  readonly #alarms: { readonly at: number; readonly controller: AbortController }[] = [];

  constructor(private current = Date.parse("2026-11-28T10:00:00Z")) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
  }

  advance(ms: number): void {
    this.current += ms;
    for (const alarm of this.#alarms)
      if (alarm.at <= this.current && !alarm.controller.signal.aborted)
        alarm.controller.abort(new DOMException("The deadline passed", "TimeoutError"));
  }

  signalAt(at: number): AbortSignal {
    const controller = new AbortController();
    this.#alarms.push({ at, controller });
    if (at <= this.current)
      controller.abort(new DOMException("The deadline passed", "TimeoutError"));
    return controller.signal;
  }
}
