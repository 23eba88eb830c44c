import { spawn } from 'node:child_process';

/**
 * Runs this CLI again as a child process (`sightline <args>`), handing each line of its stdout to
 * `onLine`; resolves with its exit code and the tail of its stderr.
 */
export function runSelf(
  args: string[],
  onLine: (line: string) => void,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [process.argv[1] ?? 'sightline', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let buf = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4096);
    });
    child.on('error', (e) => resolve({ code: -1, stderr: e.message }));
    child.on('close', (code) => {
      if (buf) onLine(buf);
      resolve({ code, stderr: err });
    });
  });
}
