import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from './clock.js';
import { AppLogger } from './logging/app-logger.js';

/** The process-wide side-effect holders every module may inject: the logger and the clock. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(logger: AppLogger, clock: Clock): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: AppLogger, useValue: logger },
        { provide: Clock, useValue: clock },
      ],
      exports: [AppLogger, Clock],
    };
  }
}
