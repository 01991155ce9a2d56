import { createLocalJWKSet, createRemoteJWKSet } from 'jose';
import type { AppConfig } from '../config/app-config.js';
import type { PolicySet } from '../policies/policy-set.js';
import { DEMO_ISSUER, type DemoKeys, ensureDemoKeys } from './demo/demo-identities.js';
import type { IdentityProviderKeys } from './token-verifier.js';

export interface ResolvedIdentity {
  readonly identityProvider: IdentityProviderKeys | null;
  /** Demo client keys to register at start-up (empty unless the demo is on). */
  readonly demoKeys: DemoKeys | null;
}

/**
 * Where people's tokens come from: the configured identity provider (keys fetched from its JWKS URL and
 * cached by jose), else — with the demo on — the demo's own issuer; else nobody (only partner clients).
 */
export async function resolveIdentity(config: AppConfig, policies: PolicySet): Promise<ResolvedIdentity> {
  if (config.auth.idp) {
    const keys = createRemoteJWKSet(new URL(config.auth.idp.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    return { identityProvider: { issuer: config.auth.idp.issuer, keys }, demoKeys: null };
  }
  if (!config.demo.enabled) return { identityProvider: null, demoKeys: null };
  const demoKeys = await ensureDemoKeys(
    config.dataDir,
    policies.clients.map((c) => c.id),
  );
  return {
    identityProvider: { issuer: DEMO_ISSUER, keys: createLocalJWKSet({ keys: [demoKeys.idpPublic] }) },
    demoKeys,
  };
}
