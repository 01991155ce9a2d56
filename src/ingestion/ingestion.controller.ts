import { Controller, Delete, Get, Headers, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { type BatchReceipt, IngestionService } from './ingestion.service.js';

@Controller('v1')
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  /** The body is read as a stream by the service (never buffered here, never parsed by middleware). */
  @Post('datasets/:dataset/batches')
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Param('dataset') dataset: string,
    @Query('period') period: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BatchReceipt> {
    const { created, receipt } = await this.ingestion.upload(principal, { dataset, period, contentType, idempotencyKey, body: request });
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    if (created) response.location(`/v1/batches/${receipt.id}`);
    return receipt;
  }

  @Get('datasets/:dataset/batches')
  async list(@CurrentPrincipal() principal: Principal, @Param('dataset') dataset: string): Promise<{ batches: BatchReceipt[] }> {
    return { batches: await this.ingestion.list(principal, dataset) };
  }

  @Get('batches/:batchId')
  get(@CurrentPrincipal() principal: Principal, @Param('batchId') batchId: string): Promise<BatchReceipt> {
    return this.ingestion.get(principal, batchId);
  }

  @Delete('batches/:batchId')
  withdraw(@CurrentPrincipal() principal: Principal, @Param('batchId') batchId: string): Promise<BatchReceipt> {
    return this.ingestion.withdraw(principal, batchId);
  }
}
