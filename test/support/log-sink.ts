import type { DestinationStream } from 'pino';

/** Collects the gateway's JSON log lines so tests can read them (and search them for secrets). */
export class LogSink implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  get entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  get text(): string {
    return this.lines.join('');
  }
}
