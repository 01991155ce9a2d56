import { Readable } from 'node:stream';
import { Controller, Get, Param, ParseIntPipe, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Public } from '../auth/public.decorator.js';
import { RequirePermission } from '../policies/require-permission.decorator.js';
import { AuditService } from './audit.service.js';

type Query = Record<string, unknown>;

/** The privacy officer's API. Every call is audited by the service before anything is returned. */
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('events')
  @RequirePermission('read', 'AuditLog')
  search(@CurrentPrincipal() principal: Principal, @Query() query: Query) {
    return this.audit.search(principal, query);
  }

  @Get('events/:seq')
  @RequirePermission('read', 'AuditLog')
  event(@CurrentPrincipal() principal: Principal, @Param('seq', ParseIntPipe) seq: number) {
    return this.audit.event(principal, seq);
  }

  @Get('events/:seq/inclusion-proof')
  @RequirePermission('read', 'AuditLog')
  inclusionProof(@CurrentPrincipal() principal: Principal, @Param('seq', ParseIntPipe) seq: number, @Query() query: Query) {
    return this.audit.inclusionProof(principal, seq, query);
  }

  @Get('consistency-proof')
  @RequirePermission('read', 'AuditLog')
  consistencyProof(@CurrentPrincipal() principal: Principal, @Query() query: Query) {
    return this.audit.consistencyProof(principal, query);
  }

  @Get('checkpoints')
  @RequirePermission('read', 'AuditLog')
  checkpoints(@CurrentPrincipal() principal: Principal) {
    return this.audit.listCheckpoints(principal).then((checkpoints) => ({ checkpoints }));
  }

  @Post('checkpoints')
  @RequirePermission('read', 'AuditLog')
  issueCheckpoint(@CurrentPrincipal() principal: Principal) {
    return this.audit.issueCheckpoint(principal);
  }

  /** Public: anyone holding an export must be able to fetch the key that verifies it. */
  @Public()
  @Get('public-key')
  publicKey() {
    return this.audit.publicKey();
  }

  @Get('export')
  @RequirePermission('export', 'AuditLog')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Query,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const { format, ...filter } = query;
    if (format === 'csv') {
      response.setHeader('Content-Disposition', 'attachment; filename="audit-events.csv"');
      return new StreamableFile(Readable.from(await this.audit.exportCsv(principal, filter)), { type: 'text/csv; charset=utf-8' });
    }
    response.setHeader('Content-Disposition', 'attachment; filename="audit-log.jsonl"');
    return new StreamableFile(Readable.from(await this.audit.exportLog(principal)), { type: 'application/x-ndjson' });
  }

  @Get('reports/:report')
  @RequirePermission('read', 'AuditLog')
  report(@CurrentPrincipal() principal: Principal, @Param('report') report: string, @Query() query: Query) {
    return this.audit.report(principal, report, query);
  }
}
