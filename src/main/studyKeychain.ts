import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { WeftError } from '../core/errors.js';
import { writeFileAtomic } from '../backend/fs/atomic.js';
import { readStudyFile } from '../backend/store/study.js';
import { Workspace, type WorkspaceOptions } from '../backend/workspace.js';

export const KEYCHAIN_FILE = 'study-keys.json';

/** The part of Electron's safeStorage Weft uses: the OS keychain encrypts, Weft only stores. */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means a hard-coded key, i.e. no protection at all. */
  getSelectedStorageBackend?(): string;
}

const keychainSchema = z.object({ version: z.literal(1), studies: z.record(z.string(), z.string()) });
type KeychainFile = z.infer<typeof keychainSchema>;

/**
 * Passphrases of encrypted studies, each encrypted by the OS keychain (Keychain on macOS, DPAPI
 * on Windows, libsecret/kwallet on Linux) and stored by study id in the app's data folder.
 */
export class StudyKeychain {
  constructor(
    private readonly file: string,
    private readonly box: SecretBox,
  ) {}

  async passphrase(studyId: string): Promise<string | undefined> {
    const sealed = (await this.read()).studies[studyId];
    if (sealed === undefined) return undefined;
    this.assertProtected();
    return this.box.decryptString(Buffer.from(sealed, 'base64'));
  }

  /** A fresh random passphrase for a study, kept in the keychain before it is used. */
  async createPassphrase(studyId: string): Promise<string> {
    this.assertProtected();
    const passphrase = randomBytes(32).toString('base64url');
    const keychain = await this.read();
    keychain.studies[studyId] = this.box.encryptString(passphrase).toString('base64');
    await writeFileAtomic(this.file, `${JSON.stringify(keychain, null, 2)}\n`, 0o600);
    return passphrase;
  }

  private assertProtected(): void {
    if (!this.box.isEncryptionAvailable() || this.box.getSelectedStorageBackend?.() === 'basic_text') {
      throw new WeftError(
        'POLICY_REFUSED',
        'This system offers no keychain to protect study keys (on Linux: install and unlock GNOME Keyring or KWallet). Use the command line with a passphrase file instead.',
        { details: { reason: 'no_keychain' } },
      );
    }
  }

  private async read(): Promise<KeychainFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, studies: {} };
      throw error;
    }
    const parsed = keychainSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new WeftError('PARSE_ERROR', `${this.file} is not a Weft keychain file`);
    return parsed.data;
  }
}

/** Opens a study, with its passphrase from the keychain when the keychain holds one. */
export async function openWithKeychain(dir: string, actor: string, keychain: StudyKeychain, options: WorkspaceOptions = {}): Promise<Workspace> {
  const { study_id: studyId } = await readStudyFile(dir);
  const passphrase = await keychain.passphrase(studyId);
  return Workspace.open(dir, { ...options, actor, ...(passphrase === undefined ? {} : { passphrase }) });
}
