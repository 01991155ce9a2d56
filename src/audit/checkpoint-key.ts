import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface CheckpointKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
}

/**
 * The Ed25519 key that signs checkpoints. It lives in a file (a mounted secret in production), never in
 * the database: whoever can rewrite the database still cannot sign a checkpoint for the rewritten log.
 */
export async function loadCheckpointKey(file: string): Promise<{ key: CheckpointKey; created: boolean }> {
  let pem: string;
  let created = false;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} must hold an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return { key: { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }, created };
}
