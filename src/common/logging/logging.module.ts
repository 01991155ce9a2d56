import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AppLogger } from './app-logger.js';

/** Makes the one AppLogger of the process injectable everywhere. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: AppLogger): DynamicModule {
    return { module: LoggingModule, providers: [{ provide: AppLogger, useValue: logger }], exports: [AppLogger] };
  }
}
