import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Pseudonymiser } from './pseudonymiser.js';

describe('Pseudonymiser', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sk-pseudo-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('computes exactly HMAC-SHA-256 under the key, domain-separated', async () => {
    const key = randomBytes(32);
    await writeFile(path.join(dir, 'k1'), key.toString('base64'));
    const { pseudonymiser } = await Pseudonymiser.fromKeyFile(path.join(dir, 'k1'));
    expect(pseudonymiser.person('123456782')).toEqual(createHmac('sha256', key).update('bsn:123456782').digest());
    expect(pseudonymiser.address('1312AB', 12, 'a')).toEqual(createHmac('sha256', key).update('adr:1312AB:12:A').digest());
    expect(pseudonymiser.person('123456782')).toEqual(pseudonymiser.person('123456782'));
    expect(pseudonymiser.person('111222333')).not.toEqual(pseudonymiser.person('123456782'));
  });

  it('handles keys longer than a SHA-256 block as HMAC does', async () => {
    const key = randomBytes(100);
    await writeFile(path.join(dir, 'k2'), key.toString('base64'));
    const { pseudonymiser } = await Pseudonymiser.fromKeyFile(path.join(dir, 'k2'));
    expect(pseudonymiser.person('999999990')).toEqual(createHmac('sha256', key).update('bsn:999999990').digest());
  });

  it('creates a private key file when there is none, and refuses a short key', async () => {
    const file = path.join(dir, 'new', 'pseudonym.key');
    const { created } = await Pseudonymiser.fromKeyFile(file);
    expect(created).toBe(true);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').length).toBe(32);
    expect((await stat(file)).mode & 0o077).toBe(0);
    await writeFile(path.join(dir, 'short'), randomBytes(8).toString('base64'));
    await expect(Pseudonymiser.fromKeyFile(path.join(dir, 'short'))).rejects.toThrow(/at least 32/);
  });
});
