#!/usr/bin/env node
// `npx onboard` without a build step: register tsx's ESM loader, then run the TypeScript entry.
import { register } from "tsx/esm/api";

// The AWS SDK's notice that it will soon need a newer Node.js than this project supports (20.19)
// would open every command that touches AWS. This is the SDK's own switch for that one notice;
// it hides no other warning, and an explicit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
// (=false) still wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

register();
await import("./onboard.ts");
