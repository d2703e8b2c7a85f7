#!/usr/bin/env node
// The packaged CLI: compiled to dist/bin/bootspec.js (tsconfig.build.json), the package's bin.
// From a clone, bin/bootspec.js runs the TypeScript sources through tsx instead.
await import('../harness/cli.ts');
