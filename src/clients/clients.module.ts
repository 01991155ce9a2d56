import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';

@Module({ imports: [AuthModule], controllers: [ClientsController], providers: [ClientsService] })
export class ClientsModule {}
