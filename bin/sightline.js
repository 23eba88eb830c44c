#!/usr/bin/env node
// LanceDB's native log (deprecation notices at WARN) is library noise, not the user's business:
// errors only, unless LANCEDB_LOG asks for more. Set before the library loads.
process.env.LANCEDB_LOG ??= 'error';
// Output piped into a reader that stops early (`| head`) is not an error: end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
await import('../dist/cli/run.js');
