import { Injectable } from '@nestjs/common';
import { AuditWriter } from '../audit/audit-writer.js';
import { actorOf, type AuditRecord } from '../audit/audit-record.js';
import { ClientKeyRepository } from '../auth/client-key.repository.js';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { ConflictProblem, NotFoundProblem, ValidationProblem } from '../common/problem/problem.js';
import { Database } from '../database/database.js';
import type { components } from '../generated/openapi.js';
import { isActive } from '../policies/policy-facts.js';
import { PolicyStore } from '../policies/policy-store.js';
import { checkPublicJwk } from './public-jwk.js';

type Client = components['schemas']['Client'];
type ClientKey = components['schemas']['ClientKey'];
type AgreementStatus = components['schemas']['AgreementStatus'];

/**
 * Administration of partner clients and their keys. The route guard has already checked that the caller
 * may manage clients; administrators see registrations and agreements, never data or audit content.
 */
@Injectable()
export class ClientsService {
  constructor(
    private readonly store: PolicyStore,
    private readonly keys: ClientKeyRepository,
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
  ) {}

  async listClients(_principal: Principal): Promise<Client[]> {
    const registered = await this.keys.listActive();
    return this.store.policies.clients.map((client) => ({
      id: client.id,
      title: client.title,
      organisation: client.organisation,
      roles: [...client.roles],
      keys: [
        ...client.keys.map((k): ClientKey => ({ kid: String(k.kid), alg: String(k.alg), source: 'policy' })),
        ...registered
          .filter((k) => k.clientId === client.id)
          .map((k): ClientKey => ({ kid: k.kid, alg: String(k.jwk.alg), source: 'registered', createdAt: k.createdAt })),
      ],
    }));
  }

  async registerKey(principal: Principal, clientId: string, body: unknown): Promise<ClientKey> {
    this.requireClient(clientId);
    const checked = await checkPublicJwk(body);
    if (!checked.ok) throw new ValidationProblem(checked.errors);
    const { jwk } = checked;
    const inPolicy = this.store.policies.clients.find((c) => c.id === clientId)!.keys.some((k) => k.kid === jwk.kid);
    const created =
      !inPolicy &&
      (await this.database.withTransaction(async (tx) => {
        const inserted = await this.keys.register(tx, clientId, jwk.kid, jwk);
        if (inserted) await this.audit.append(tx, adminEvent(principal, 'client-key.registered', clientId, jwk.kid, this.store.hash));
        return inserted;
      }));
    if (!created) throw new ConflictProblem(`Client ${clientId} already has a key with kid ${jwk.kid}; choose another kid.`);
    return { kid: jwk.kid, alg: jwk.alg, source: 'registered', createdAt: this.clock.now().toISOString() };
  }

  async revokeKey(principal: Principal, clientId: string, kid: string): Promise<void> {
    this.requireClient(clientId);
    const revoked = await this.database.withTransaction(async (tx) => {
      const done = await this.keys.revoke(tx, clientId, kid);
      if (done) await this.audit.append(tx, adminEvent(principal, 'client-key.revoked', clientId, kid, this.store.hash));
      return done;
    });
    if (!revoked) throw new NotFoundProblem(`Client ${clientId} has no active registered key ${kid}.`);
  }

  listAgreements(_principal: Principal): { policyHash: string; agreements: AgreementStatus[] } {
    const now = this.clock.now();
    const today = now.toISOString().slice(0, 10);
    const policies = this.store.policies;
    return {
      policyHash: policies.hash,
      agreements: policies.agreements.map((a) => ({
        id: a.id,
        title: a.title,
        partner: a.partner,
        datasets: [...a.datasets],
        purposes: [...a.purposes],
        validFrom: a.validFrom,
        validTo: a.validTo,
        retentionMonths: a.retentionMonths,
        status: isActive(a, now) ? 'active' : a.validFrom > today ? 'pending' : 'expired',
      })),
    };
  }

  private requireClient(clientId: string): void {
    if (!this.store.policies.clients.some((c) => c.id === clientId)) {
      throw new NotFoundProblem(`There is no client ${clientId}.`);
    }
  }
}

function adminEvent(principal: Principal, type: string, clientId: string, kid: string, policyHash: string): AuditRecord {
  return {
    type,
    ...actorOf(principal),
    action: type.endsWith('registered') ? 'create' : 'delete',
    resource: { type: 'ClientKey', client: clientId, kid },
    outcome: 'success',
    policyHash,
  };
}
