/**
 * Progress for people watching an upload: a bar redrawn in place on a terminal, or a plain line every
 * so often when stderr goes to a log. Pure: it formats, the caller writes.
 */
export interface ProgressSample {
  readonly bytes: number;
  readonly totalBytes: number;
  /** Milliseconds since this pass started. */
  readonly elapsedMs: number;
}

const MB = 1024 * 1024;

export function percent(sample: ProgressSample): number {
  return sample.totalBytes === 0 ? 100 : Math.min(100, (sample.bytes / sample.totalBytes) * 100);
}

/** Bytes per second over the pass so far; 0 until time has passed. */
export function rate(sample: ProgressSample): number {
  return sample.elapsedMs <= 0 ? 0 : (sample.bytes / sample.elapsedMs) * 1000;
}

/** Seconds left at the rate so far; undefined while the rate is unknown. */
export function etaSeconds(sample: ProgressSample): number | undefined {
  if (sample.bytes >= sample.totalBytes) return 0;
  const perSecond = rate(sample);
  if (perSecond === 0) return undefined;
  return Math.max(0, (sample.totalBytes - sample.bytes) / perSecond);
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** 512 B, 61.2 kB, 50.0 MB, 1.2 GB */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 * MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / 1024 / MB).toFixed(1)} GB`;
}

/** `label [#########...........]  45.0%  12.3 MB/s  ETA 0:05` */
export function progressBar(label: string, sample: ProgressSample, width = 30): string {
  const p = percent(sample);
  const filled = Math.round((p / 100) * width);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  return `${label} [${bar}] ${p.toFixed(1).padStart(5)}%  ${(rate(sample) / MB).toFixed(2)} MB/s  ETA ${formatDuration(etaSeconds(sample))}`;
}

/** `label: 45.0% (22.5 MB of 50.0 MB), 12.3 MB/s, ETA 0:05` */
export function progressLine(label: string, sample: ProgressSample): string {
  return (
    `${label}: ${percent(sample).toFixed(1)}% (${formatBytes(sample.bytes)} of ${formatBytes(sample.totalBytes)}), ` +
    `${(rate(sample) / MB).toFixed(2)} MB/s, ETA ${formatDuration(etaSeconds(sample))}`
  );
}
