import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYCHAIN_FILE, StudyKeychain, openWithKeychain, type SecretBox } from '../../../src/main/studyKeychain.js';
import { tempDir } from '../../support/paths.js';
import { createTestStudy } from '../../support/study.js';

/** Electron cannot start here; this box seals with AES-GCM under a key only the test holds, as the OS keychain would. */
function testBox(backend = 'gnome_libsecret'): SecretBox {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (plain) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString: (sealed) => {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

describe('the desktop keychain for encrypted studies', () => {
  it('keeps a random passphrase per study, sealed by the OS keychain, in a file only the user can read', async () => {
    const temp = await tempDir();
    try {
      const file = join(temp.dir, KEYCHAIN_FILE);
      const keychain = new StudyKeychain(file, testBox());
      expect(await keychain.passphrase('study-a')).toBeUndefined();
      const a = await keychain.createPassphrase('study-a');
      const b = await keychain.createPassphrase('study-b');
      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(b).not.toBe(a);
      expect(await keychain.passphrase('study-a')).toBe(a);
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(a);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await temp.remove();
    }
  });

  it('refuses a keychain that protects nothing (Linux basic_text) and a damaged file', async () => {
    const temp = await tempDir();
    try {
      const file = join(temp.dir, KEYCHAIN_FILE);
      await expect(new StudyKeychain(file, testBox('basic_text')).createPassphrase('s')).rejects.toThrow(/no keychain/);
      await writeFile(file, '{"version": 2}');
      await expect(new StudyKeychain(file, testBox()).passphrase('s')).rejects.toThrow(/not a Weft keychain file/);
    } finally {
      await temp.remove();
    }
  });

  it('opens a plain study when the keychain holds nothing for it', async () => {
    const study = await createTestStudy();
    const temp = await tempDir();
    try {
      await study.workspace.close();
      const opened = await openWithKeychain(study.dir, 'test', new StudyKeychain(join(temp.dir, KEYCHAIN_FILE), testBox()));
      expect(opened.study.info().encrypted).toBe(false);
      await opened.close();
    } finally {
      await temp.remove();
      await study.close();
    }
  });
});
