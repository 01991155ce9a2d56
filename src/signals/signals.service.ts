import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { actorOf } from '../audit/audit-record.js';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { ForbiddenProblem, type ProblemItem, ValidationProblem } from '../common/problem/problem.js';
import { Database } from '../database/database.js';
import type { components } from '../generated/openapi.js';
import { DecisionRecorder } from '../policies/decision-recorder.js';
import { PolicyDecisionPoint } from '../policies/policy-decision-point.js';
import { PolicyStore } from '../policies/policy-store.js';
import { atPc6, type LocatedSignal, locatePostcode, unitOf } from './signal-location.js';
import { parseSignalReport, type SignalLocation } from './signal-report.js';
import { SignalsRepository } from './signals.repository.js';

type Signal = components['schemas']['Signal'];
type SignalCategoryList = components['schemas']['SignalCategoryList'];

type Location = { ok: true; year: number; located: LocatedSignal } | { ok: false; problem: ProblemItem };

/**
 * Near-time signals from frontline partners. The caller must hold `report-signals` for its own
 * organisation; the body is a category, a location and a time — no free text. An address is reduced to
 * its pc6 unit here and goes no further. The signal, the allow decision and the `signal.reported`
 * event commit in one transaction; a denial is recorded on its own.
 */
@Injectable()
export class SignalsService {
  constructor(
    private readonly store: PolicyStore,
    private readonly pdp: PolicyDecisionPoint,
    private readonly recorder: DecisionRecorder,
    private readonly audit: AuditWriter,
    private readonly database: Database,
    private readonly repository: SignalsRepository,
    private readonly clock: Clock,
  ) {}

  categories(_principal: Principal): SignalCategoryList {
    const policies = this.store.policies;
    return { policyHash: policies.hash, categories: policies.signalCategories.map(({ id, title, domain }) => ({ id, title, domain })) };
  }

  async report(principal: Principal, body: unknown): Promise<Signal> {
    const id = randomUUID();
    const decision = this.pdp.decide(principal, 'create', 'Signal', { organisation: principal.organisation, id });
    if (!decision.allowed) {
      await this.recorder.record(decision.record);
      throw new ForbiddenProblem(decision.reason ?? 'The policy does not allow this.', { rule: decision.rule });
    }
    const receivedAt = this.clock.now();
    const parsed = parseSignalReport(body, this.store.policies.signalCategories, receivedAt);
    const location = parsed.location;
    if (location === undefined) throw new ValidationProblem(parsed.errors);

    return this.database.withTransaction(async (tx) => {
      const found = await this.locate(tx, location);
      const errors = found.ok ? parsed.errors : [...parsed.errors, found.problem];
      const { category, observedAt } = parsed;
      // Thrown inside the transaction: nothing of a refused signal is kept.
      if (!found.ok || errors.length > 0 || category === undefined || observedAt === undefined) throw new ValidationProblem(errors);

      const { located, year } = found;
      await this.repository.insert(tx, {
        id,
        category,
        organisation: principal.organisation,
        actor: principal.id,
        actorKind: principal.kind,
        observedAt,
        receivedAt,
        geoYear: year,
        locationLevel: location.kind,
        located,
      });
      await this.recorder.record(decision.record, tx);
      await this.audit.append(tx, {
        type: 'signal.reported',
        ...actorOf(principal),
        action: 'create',
        resource: { type: 'Signal', id, category, level: located.level, buurt: located.buurtCode },
        outcome: 'success',
        rule: decision.rule,
        policyHash: this.store.hash,
      });
      return {
        id,
        category,
        observedAt: observedAt.toISOString(),
        receivedAt: receivedAt.toISOString(),
        location: { level: located.level, unit: unitOf(located) },
      };
    });
  }

  /** Looks the location up in the most recent geography; a problem names the place, never a person. */
  private async locate(tx: EntityManager, location: SignalLocation): Promise<Location> {
    const year = await this.repository.latestGeographyYear(tx);
    const refuse = (detail: string): Location => ({ ok: false, problem: { pointer: '/location', detail, code: 'unknown-location' } });
    if (year === null) return refuse('cannot be located: no reference geography has been imported');
    switch (location.kind) {
      case 'address': {
        const { postcode, huisnummer, toevoeging } = location;
        const unit = await this.repository.addressUnit(tx, year, postcode, huisnummer, toevoeging);
        const address = `${postcode} ${huisnummer}${toevoeging === '' ? '' : `-${toevoeging}`}`;
        return unit ? { ok: true, year, located: atPc6(unit) } : refuse(`address ${address} is not in the reference geography of ${year}`);
      }
      case 'pc6': {
        const units = await this.repository.postcodeUnits(tx, year, location.postcode);
        const located = locatePostcode(units);
        if (located) return { ok: true, year, located };
        return units.length === 0
          ? refuse(`postcode ${location.postcode} is not in the reference geography of ${year}`)
          : { ok: false, problem: { pointer: '/location', detail: `postcode ${location.postcode} spans several buurten; give an address or a street instead`, code: 'ambiguous-location' } };
      }
      case 'street': {
        const located = await this.repository.streetUnit(tx, year, location.street);
        return located ? { ok: true, year, located } : refuse(`street unit ${location.street} is not in the reference geography of ${year}`);
      }
    }
  }
}
