import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

/**
 * Demo identities: key pairs for every partner client and for a stand-in identity provider, created on
 * first start under DATA_DIR/demo (never in the repository), so a newcomer can call every endpoint with
 * `npm run token -- <name>`. A real installation registers partners' public keys and configures the
 * municipality's identity provider instead.
 */
export const DEMO_ISSUER = 'urn:straatkubus:demo-idp';
const ALG = 'ES256';

export interface DemoUser {
  readonly sub: string;
  readonly org: string;
  readonly roles: readonly string[];
  readonly purposes: readonly string[];
}

/** The people of the demo, as the municipality's identity provider would describe them. */
export const DEMO_USERS: Readonly<Record<string, DemoUser>> = {
  analyst: {
    sub: 'demo-analyst',
    org: 'gemeente-almere',
    roles: ['analyst'],
    purposes: ['wijkaanpak', 'beleidsonderzoek', 'schuldpreventie', 'monitoring'],
  },
  'privacy-officer': { sub: 'demo-privacy-officer', org: 'gemeente-almere', roles: ['privacy-officer'], purposes: [] },
  administrator: { sub: 'demo-administrator', org: 'gemeente-almere', roles: ['administrator'], purposes: [] },
};

export interface DemoKeys {
  readonly idpPublic: JWK;
  readonly clientPublic: ReadonlyMap<string, JWK>;
}

function demoDir(dataDir: string): string {
  return path.join(dataDir, 'demo');
}

function keyFile(dataDir: string, name: string): string {
  return path.join(demoDir(dataDir), `${name}.private.jwk.json`);
}

async function loadOrCreate(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const full: JWK = { ...jwk, alg: ALG, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return full;
}

/** The public half of a private JWK. */
export function publicJwk(jwk: JWK): JWK {
  const { kty, crv, x, y, e, n, alg, use, kid } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, e, n, alg, use, kid }).filter(([, v]) => v !== undefined));
}

/** Creates whatever demo keys are missing and returns the public halves. */
export async function ensureDemoKeys(dataDir: string, clientIds: readonly string[]): Promise<DemoKeys> {
  const idp = await loadOrCreate(keyFile(dataDir, 'idp'));
  const clientPublic = new Map<string, JWK>();
  for (const id of clientIds) clientPublic.set(id, publicJwk(await loadOrCreate(keyFile(dataDir, `client-${id}`))));
  return { idpPublic: publicJwk(idp), clientPublic };
}

/** Signs a token for a demo client or demo user with the keys under DATA_DIR/demo. */
export async function signDemoToken(dataDir: string, name: string, audience: string, now = new Date()): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const user = DEMO_USERS[name];
  const file = user ? keyFile(dataDir, 'idp') : keyFile(dataDir, `client-${name}`);
  let jwk: JWK;
  try {
    jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch {
    throw new Error(
      `No demo key for "${name}" under ${demoDir(dataDir)}. Start the gateway once (npm start) to create the demo keys; ` +
        `names are the client ids in policies/clients/ and ${Object.keys(DEMO_USERS).join(', ')}.`,
    );
  }
  const key = await importJWK(jwk, ALG);
  if (user) {
    return new SignJWT({ roles: [...user.roles], purposes: [...user.purposes], org: user.org })
      .setProtectedHeader({ alg: ALG, kid: jwk.kid!, typ: 'JWT' })
      .setIssuer(DEMO_ISSUER)
      .setSubject(user.sub)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .setJti(randomUUID())
      .sign(key);
  }
  return new SignJWT({})
    .setProtectedHeader({ alg: ALG, kid: jwk.kid!, typ: 'JWT' })
    .setIssuer(name)
    .setSubject(name)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .setJti(randomUUID())
    .sign(key);
}
