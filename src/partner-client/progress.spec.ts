import { describe, expect, it } from '@jest/globals';
import { etaSeconds, formatBytes, formatDuration, progressBar, progressLine } from './progress.js';

const MB = 1024 * 1024;

describe('upload progress', () => {
  it('draws a bar with percentage, rate and time left', () => {
    const sample = { bytes: 20 * MB, totalBytes: 50 * MB, elapsedMs: 2000 };
    expect(progressBar('uploading', sample, 10)).toBe('uploading [####......]  40.0%  10.00 MB/s  ETA 0:03');
    expect(progressLine('uploading', sample)).toBe('uploading: 40.0% (20.0 MB of 50.0 MB), 10.00 MB/s, ETA 0:03');
  });

  it('does not guess the time left before any time has passed, and copes with empty files', () => {
    expect(etaSeconds({ bytes: 0, totalBytes: MB, elapsedMs: 0 })).toBeUndefined();
    expect(progressBar('x', { bytes: 0, totalBytes: 0, elapsedMs: 0 }, 4)).toBe('x [####] 100.0%  0.00 MB/s  ETA 0:00');
    expect(progressBar('x', { bytes: 1, totalBytes: 2, elapsedMs: 0 }, 4)).toBe('x [##..]  50.0%  0.00 MB/s  ETA --:--');
  });

  it('formats sizes in the unit that fits', () => {
    expect([512, 62_669, 50 * MB, 1.25 * 1024 * MB].map(formatBytes)).toEqual(['512 B', '61.2 kB', '50.0 MB', '1.3 GB']);
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect([0, 59.6, 61, 3600 + 62].map(formatDuration)).toEqual(['0:00', '1:00', '1:01', '1:01:02']);
  });
});
