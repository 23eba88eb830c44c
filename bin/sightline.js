#!/usr/bin/env node
// LanceDB's native log (deprecation notices at WARN) is library noise, not the user's business:
// errors only, unless LANCEDB_LOG asks for more. Set before the library loads.
process.env.LANCEDB_LOG ??= 'error';
await import('../dist/cli/run.js');
