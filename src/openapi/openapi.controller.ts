import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { OPENAPI_DOCUMENT, type OpenApiDocument } from './openapi-document.js';

@Controller('v1')
export class OpenApiController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: OpenApiDocument) {}

  @Public()
  @Get('openapi.json')
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cross-Origin-Resource-Policy', 'cross-origin')
  getDocument(): OpenApiDocument {
    return this.document;
  }
}
