#!/usr/bin/env node
// `npx onboard` without a build step: register tsx's ESM loader, then run the TypeScript entry.
import { register } from "tsx/esm/api";

register();
await import("./onboard.ts");
