import { type DynamicModule, Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '../../src/common/clock.js';
import { PoliciesModule } from '../../src/policies/policies.module.js';
import { PolicyDecisionPoint } from '../../src/policies/policy-decision-point.js';
import { PolicyError, loadPolicies } from '../../src/policies/policy-loader.js';
import { PolicyStore } from '../../src/policies/policy-store.js';
import { aPrincipal, FIXTURE_POLICIES, PolicyCopy } from '../factories/policies.factory.js';

class FakeClock extends Clock {
  constructor(public current: Date) {
    super();
  }

  now(): Date {
    return this.current;
  }
}

@Global()
@Module({})
class TestClockModule {
  static with(clock: Clock): DynamicModule {
    return { module: TestClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}

@Module({})
class Root {
  static with(clock: Clock, dir: string): DynamicModule {
    return { module: Root, imports: [TestClockModule.with(clock), PoliciesModule.forRoot(dir)] };
  }
}

describe('PoliciesModule', () => {
  const clock = new FakeClock(new Date('2026-11-24T23:00:00Z'));
  let context: INestApplicationContext;

  beforeAll(async () => {
    context = await NestFactory.createApplicationContext(Root.with(clock, FIXTURE_POLICIES), { logger: false });
  });
  afterAll(async () => {
    await context.close();
  });

  it('holds the policies loaded once at start-up', () => {
    expect(context.get(PolicyStore).hash).toBe(loadPolicies(FIXTURE_POLICIES).hash);
  });

  it('decides at the time of the clock, so expiry needs no restart', () => {
    const pdp = context.get(PolicyDecisionPoint);
    const analyst = aPrincipal({ roles: ['analyst'], purposes: ['wijkaanpak'] });
    const attributes = { purpose: 'wijkaanpak', dataset: 'huur', levelRank: 1 };
    clock.current = new Date('2026-11-24T23:59:59Z');
    expect(pdp.decide(analyst, 'read', 'Aggregate', attributes, 'wijkaanpak').allowed).toBe(true);
    expect(pdp.decideIndicator(analyst, 'wijkaanpak', ['huur'], 'street').allowed).toBe(true);
    expect(pdp.ability(analyst, 'wijkaanpak').rules).not.toEqual([]);
    clock.current = new Date('2026-11-25T00:00:01Z');
    expect(pdp.decide(analyst, 'read', 'Aggregate', attributes, 'wijkaanpak')).toMatchObject({
      allowed: false,
      reason: 'no agreement active on 2026-11-25 permits dataset huur for purpose wijkaanpak',
    });
    expect(pdp.decideIndicator(analyst, 'wijkaanpak', ['huur'], 'street').record.at).toBe('2026-11-25T00:00:01.000Z');
  });

  it('does not start with invalid policies', async () => {
    const copy = new PolicyCopy();
    try {
      copy.edit('purposes.yaml', 'k: 12', 'k: 1');
      await expect(NestFactory.createApplicationContext(Root.with(clock, copy.dir), { logger: false, abortOnError: false })).rejects.toThrow(
        PolicyError,
      );
    } finally {
      copy.dispose();
    }
  });
});
