#!/usr/bin/env node
// Entry of the `mtlc` command: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

// The SDK warns that releases after January 2027 need Node 22; this lockfile pins one that supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../app/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
