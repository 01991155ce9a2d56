/**
 * Registers a partner's public signing key (a JWK file) in the gateway's database, for installations
 * that do not keep keys in policies/clients:  npm run clients:add-key -- <client-id> <public-jwk.json>
 * The same checks as the admin API apply: allowed algorithm, public key only, RSA ≥ 2048 bits.
 */
import { readFile } from 'node:fs/promises';
import { ClientKeyRepository } from '../src/auth/client-key.repository.js';
import { checkPublicJwk } from '../src/clients/public-jwk.js';
import { loadConfig } from '../src/config/app-config.js';
import { openDatabase } from '../src/database/data-source.factory.js';
import { Database } from '../src/database/database.js';
import { loadPolicies } from '../src/policies/policy-loader.js';

async function main(): Promise<number> {
  const [clientId, file] = process.argv.slice(2);
  if (!clientId || !file) {
    console.error('usage: npm run clients:add-key -- <client-id> <public-jwk.json>');
    return 2;
  }
  const config = loadConfig(process.env);
  const policies = loadPolicies(config.policiesDir);
  if (!policies.clients.some((c) => c.id === clientId)) {
    console.error(`There is no client ${clientId} in policies/clients.`);
    return 1;
  }
  const checked = await checkPublicJwk(JSON.parse(await readFile(file, 'utf8')));
  if (!checked.ok) {
    for (const e of checked.errors) console.error(`${file}: ${e.pointer ?? '/'}: ${e.detail}`);
    return 1;
  }
  const database = new Database(await openDatabase(config.database));
  try {
    const keys = new ClientKeyRepository(database);
    const created = await database.withTransaction((tx) => keys.register(tx, clientId, checked.jwk.kid, checked.jwk));
    console.log(created ? `registered ${checked.jwk.kid} for ${clientId}` : `${clientId} already has a key ${checked.jwk.kid}`);
    return created ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
