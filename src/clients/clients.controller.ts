import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import type { components } from '../generated/openapi.js';
import { RequirePermission } from '../policies/require-permission.decorator.js';
import { ClientsService } from './clients.service.js';

type Client = components['schemas']['Client'];
type ClientKey = components['schemas']['ClientKey'];
type AgreementStatus = components['schemas']['AgreementStatus'];

@Controller('v1/admin')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Get('clients')
  @RequirePermission('read', 'Client')
  async list(@CurrentPrincipal() principal: Principal): Promise<{ clients: Client[] }> {
    return { clients: await this.clients.listClients(principal) };
  }

  @Post('clients/:clientId/keys')
  @RequirePermission('create', 'Client')
  register(
    @CurrentPrincipal() principal: Principal,
    @Param('clientId') clientId: string,
    @Body() body: unknown,
  ): Promise<ClientKey> {
    return this.clients.registerKey(principal, clientId, body);
  }

  @Delete('clients/:clientId/keys/:kid')
  @RequirePermission('delete', 'Client')
  @HttpCode(204)
  revoke(@CurrentPrincipal() principal: Principal, @Param('clientId') clientId: string, @Param('kid') kid: string): Promise<void> {
    return this.clients.revokeKey(principal, clientId, kid);
  }

  @Get('agreements')
  @RequirePermission('read', 'Agreement')
  agreements(@CurrentPrincipal() principal: Principal): { policyHash: string; agreements: AgreementStatus[] } {
    return this.clients.listAgreements(principal);
  }
}
