/** Runs a command and measures it: wall seconds, peak RSS, CPU seconds (GNU time when present). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';

export interface Run {
  seconds: number;
  peakRssMb: number;
  cpuSeconds: number;
  stdout: string;
  code: number | null;
  /** Killed for running past `timeoutS` or growing past `maxRssMb`. */
  killed?: 'timeout' | 'memory';
}

/** Runs a command under /usr/bin/time -v when present (peak RSS, CPU), else polls /proc for VmHWM. */
export async function measured(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  limits: { timeoutS?: number; maxRssMb?: number } = {},
): Promise<Run> {
  const gnuTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const opts = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], env, detached: true };
  const child = gnuTime ? spawn('/usr/bin/time', ['-v', cmd, ...args], opts) : spawn(cmd, args, opts);
  let killed: Run['killed'];
  const stop = (why: 'timeout' | 'memory'): void => {
    killed ??= why;
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = limits.timeoutS ? setTimeout(() => stop('timeout'), limits.timeoutS * 1000) : undefined;
  // the command's memory (it runs as time's child): its resident set, polled
  const watch = limits.maxRssMb
    ? setInterval(() => {
        void rssOfTree(child.pid ?? 0).then((mb) => {
          if (mb > (limits.maxRssMb as number)) stop('memory');
        });
      }, 500)
    : undefined;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20000)));
  let hwm = 0;
  const poll = gnuTime
    ? undefined
    : setInterval(() => {
        void readFile(`/proc/${child.pid}/status`, 'utf8')
          .then((s) => {
            const m = /VmHWM:\s+(\d+) kB/.exec(s);
            if (m) hwm = Math.max(hwm, Number(m[1]) / 1024);
          })
          .catch(() => undefined);
      }, 100);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (poll) clearInterval(poll);
  if (timer) clearTimeout(timer);
  if (watch) clearInterval(watch);
  const seconds = (performance.now() - t0) / 1000;
  let cpuSeconds = NaN;
  if (gnuTime) {
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    if (rss) hwm = Number(rss[1]) / 1024;
    const u = /User time \(seconds\): ([\d.]+)/.exec(stderr);
    const sy = /System time \(seconds\): ([\d.]+)/.exec(stderr);
    if (u && sy) cpuSeconds = Number(u[1]) + Number(sy[1]);
  }
  if (code !== 0 && !killed) process.stderr.write(stderr.slice(-3000) + '\n');
  return { seconds, peakRssMb: hwm, cpuSeconds, stdout, code, ...(killed ? { killed } : {}) };
}

/** Resident MB of a process and its descendants (Linux /proc). */
async function rssOfTree(pid: number): Promise<number> {
  if (!pid) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  let mb = m ? Number(m[1]) / 1024 : 0;
  const kids = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  for (const k of kids.split(/\s+/).filter(Boolean)) mb += await rssOfTree(Number(k));
  return mb;
}
