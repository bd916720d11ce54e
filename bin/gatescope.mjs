#!/usr/bin/env node
// gatescope command-line entry point. The code base is TypeScript; tsx compiles it on the fly,
// so `npx gatescope` and `npm start` work from a clone without a separate build of the server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
