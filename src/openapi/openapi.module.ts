import { type DynamicModule, Global, Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller.js';
import { OPENAPI_DOCUMENT, type OpenApiDocument } from './openapi-document.js';

@Global()
@Module({})
export class OpenApiModule {
  static forRoot(document: OpenApiDocument): DynamicModule {
    return {
      module: OpenApiModule,
      controllers: [OpenApiController],
      providers: [{ provide: OPENAPI_DOCUMENT, useValue: document }],
      exports: [OPENAPI_DOCUMENT],
    };
  }
}
