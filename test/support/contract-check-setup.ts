/**
 * Vitest setup file (vitest.config.ts `setupFiles`): after every test, each event a watched
 * source published (test/support/event-contracts.ts) must validate against its schema.
 */
import { afterAll, afterEach, expect } from "vitest";
import { checkWatchedEvents, forgetWatched } from "./event-contracts.js";

afterEach(() => {
  expect(checkWatchedEvents(), "published events that do not match docs/schemas/").toEqual([]);
});

afterAll(() => {
  const late = checkWatchedEvents();
  forgetWatched();
  expect(late, "published events that do not match docs/schemas/").toEqual([]);
});
