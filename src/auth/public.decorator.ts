import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'straatkubus:public';

/** Marks a route as reachable without a token. Every other route is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
