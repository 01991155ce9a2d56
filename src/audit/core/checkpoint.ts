import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, KeyObject, sign, verify } from 'node:crypto';

/**
 * Signed checkpoints: "the log had treeSize events and this root at issuedAt". The signing key is
 * kept outside the database (DESIGN decision 7), so whoever can write the database still cannot
 * produce a checkpoint for a rewritten history.
 */
export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: number;
  /** Lowercase hex SHA-256 Merkle root. */
  readonly rootHash: string;
  readonly issuedAt: string;
  readonly keyId: string;
  /** Base64 Ed25519 signature over checkpointNote(...). */
  readonly signature: string;
}

/** A KeyObject, a PEM string, or a JWK as JSON text or object. */
export type KeyInput = KeyObject | string | JsonWebKey;

/**
 * The signed text, in the style of transparency-dev checkpoints (origin, size, base64 root, one
 * per line) plus the issue time. Line-based, so no field may contain a newline.
 */
export function checkpointNote(origin: string, treeSize: number, rootHash: string, issuedAt: string): string {
  const problem = fieldProblem(origin, treeSize, rootHash, issuedAt);
  if (problem !== null) throw new RangeError(problem);
  return `${origin}\n${treeSize}\n${Buffer.from(rootHash, 'hex').toString('base64')}\n${issuedAt}\n`;
}

export function signCheckpoint(
  origin: string,
  treeSize: number,
  rootHash: string | Buffer,
  issuedAt: string,
  privateKey: KeyInput,
): Checkpoint {
  const key = toPrivateKey(privateKey);
  const root = typeof rootHash === 'string' ? rootHash : rootHash.toString('hex');
  const note = checkpointNote(origin, treeSize, root, issuedAt);
  const signature = sign(null, Buffer.from(note, 'utf8'), key).toString('base64');
  return { origin, treeSize, rootHash: root, issuedAt, keyId: keyIdOf(key), signature };
}

export function verifyCheckpoint(checkpoint: Checkpoint, publicKey: KeyInput): boolean {
  return checkpointProblem(checkpoint, publicKey) === null;
}

/** Why a checkpoint does not verify under this key, or null when it does. */
export function checkpointProblem(checkpoint: unknown, publicKey: KeyInput): string | null {
  const shape = checkpointShapeProblem(checkpoint);
  if (shape !== null) return shape;
  const c = checkpoint as Checkpoint;
  const key = toPublicKey(publicKey);
  const keyId = keyIdOf(key);
  if (c.keyId !== keyId) return `signed by key ${c.keyId}, not by the trusted key ${keyId}`;
  const note = Buffer.from(checkpointNote(c.origin, c.treeSize, c.rootHash, c.issuedAt), 'utf8');
  const signature = Buffer.from(c.signature, 'base64');
  // Node throws rather than returning false for some malformed signatures; both mean "not signed".
  let valid: boolean;
  try {
    valid = verify(null, note, key, signature);
  } catch {
    valid = false;
  }
  return valid ? null : 'the signature does not verify';
}

/** Structural problems only (no key needed): lets a reader reject a malformed checkpoint file early. */
export function checkpointShapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the checkpoint is not a JSON object';
  const c = value as Record<string, unknown>;
  if (typeof c.origin !== 'string') return 'the checkpoint has no origin';
  if (!Number.isSafeInteger(c.treeSize)) return 'the checkpoint treeSize is not an integer';
  if (typeof c.rootHash !== 'string' || typeof c.issuedAt !== 'string') return 'the checkpoint has no rootHash or issuedAt';
  const fields = fieldProblem(c.origin, c.treeSize as number, c.rootHash, c.issuedAt);
  if (fields !== null) return fields;
  if (typeof c.keyId !== 'string' || !/^[0-9a-f]{16}$/.test(c.keyId)) return 'the checkpoint keyId is not 16 lowercase hex digits';
  if (typeof c.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c.signature)) return 'the checkpoint signature is not base64';
  return null;
}

/** First 16 hex digits of SHA-256 over the public key's SPKI DER encoding. */
export function keyIdOf(key: KeyInput): string {
  const der = toPublicKey(key).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Accepts a public key, or a private key from which the public half is derived. */
export function toPublicKey(input: KeyInput): KeyObject {
  const key = isKeyObject(input) ? (input.type === 'public' ? input : createPublicKey(input)) : createPublicKey(keySource(input));
  return requireEd25519(key);
}

export function toPrivateKey(input: KeyInput): KeyObject {
  const key = isKeyObject(input) ? input : createPrivateKey(keySource(input));
  if (key.type !== 'private') throw new TypeError('signing needs a private key');
  return requireEd25519(key);
}

function keySource(input: string | JsonWebKey): string | { key: JsonWebKey; format: 'jwk' } {
  if (typeof input !== 'string') return { key: input, format: 'jwk' };
  const text = input.trim();
  return text.startsWith('{') ? { key: JSON.parse(text) as JsonWebKey, format: 'jwk' } : text;
}

function isKeyObject(input: KeyInput): input is KeyObject {
  return input instanceof KeyObject;
}

function requireEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`checkpoints are signed with Ed25519, not ${key.asymmetricKeyType ?? key.type}`);
  return key;
}

function fieldProblem(origin: string, treeSize: number, rootHash: string, issuedAt: string): string | null {
  if (origin === '' || /[\r\n]/.test(origin)) return 'the checkpoint origin must be one non-empty line';
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) return 'the checkpoint treeSize must be a non-negative integer';
  if (!/^[0-9a-f]{64}$/.test(rootHash)) return 'the checkpoint rootHash must be 64 lowercase hex digits';
  if (/[\r\n]/.test(issuedAt) || Number.isNaN(Date.parse(issuedAt))) return 'the checkpoint issuedAt must be an ISO date-time';
  return null;
}
