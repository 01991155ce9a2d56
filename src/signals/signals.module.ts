import { Module } from '@nestjs/common';
import { SignalsController } from './signals.controller.js';
import { SignalsRepository } from './signals.repository.js';
import { SignalsService } from './signals.service.js';

/** Near-time signals from frontline partners: category, place and time, never free text. */
@Module({ controllers: [SignalsController], providers: [SignalsService, SignalsRepository] })
export class SignalsModule {}
