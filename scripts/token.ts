/**
 * Prints a valid bearer token for a demo client or demo user, signed with the keys the gateway created
 * under DATA_DIR/demo on its first start:  npm run token -- analyst
 * Client tokens are single-use (a fresh jti each) and live 5 minutes; user tokens live an hour.
 */
import { DEMO_USERS, signDemoToken } from '../src/auth/demo/demo-identities.js';
import { ConfigError, loadConfig } from '../src/config/app-config.js';

async function main(): Promise<number> {
  const name = process.argv[2];
  if (!name || name.startsWith('-')) {
    console.error(`usage: npm run token -- <client-id | ${Object.keys(DEMO_USERS).join(' | ')}>`);
    return 2;
  }
  const config = loadConfig(process.env);
  try {
    console.log(await signDemoToken(config.dataDir, name, config.auth.audience));
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : 'token: failed');
    process.exit(1);
  },
);
