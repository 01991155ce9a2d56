import { Module } from '@nestjs/common';
import { GeographyModule } from '../geography/geography.module.js';
import { IndicatorsModule } from '../indicators/indicators.module.js';
import { EarlyWarningController } from './early-warning.controller.js';
import { EarlyWarningService } from './early-warning.service.js';
import { SignalWeeksService } from './signal-weeks.service.js';

/** Early warning: deviating streets, trends and street profiles, on protected cubes only. */
@Module({
  imports: [IndicatorsModule, GeographyModule],
  controllers: [EarlyWarningController],
  providers: [EarlyWarningService, SignalWeeksService],
})
export class EarlyWarningModule {}
