import cliProgress from 'cli-progress';

/** Bars only on an interactive terminal; never in pipes, CI, or when output is machine-readable. */
export function progressWanted(json: boolean): boolean {
  return !json && Boolean(process.stderr.isTTY) && !process.env.CI;
}

export interface IndexProgress {
  startFile(name: string, duration: number): void;
  update(offset: number, frames: number): void;
  endFile(): void;
  stop(): void;
}

/** Two bars: files done of the batch, and the current file's seconds with ETA. */
export function indexProgress(totalFiles: number): IndexProgress {
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      format: '{label} [{bar}] {value}/{total} {unit} | ETA {eta_formatted}',
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const files = multi.create(totalFiles, 0, { label: 'files ', unit: 'files' });
  let current: cliProgress.SingleBar | undefined;
  return {
    startFile(name, duration) {
      current = multi.create(Math.max(1, Math.round(duration)), 0, {
        label: name.slice(-24).padEnd(24),
        unit: 's',
      });
    },
    update(offset) {
      current?.update(Math.round(offset));
    },
    endFile() {
      if (current) {
        current.update(current.getTotal());
        multi.remove(current);
      }
      current = undefined;
      files.increment();
    },
    stop() {
      multi.stop();
    },
  };
}
