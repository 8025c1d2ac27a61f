import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../../core/errors.js';
import { modelCardSchema, type ModelCard, type ModelCardInput } from '../../core/models/card.js';
import { compareVersions, latestVersion } from '../../core/models/version.js';
import { checkModelFile, sha256Hex } from './check.js';
import type { OnnxModelInfo } from './onnxRead.js';

/** models/<id>/<version>/{model.onnx, manifest.json}; manifest.json is the model card. */
export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';
export const MODELS_DIR = 'models';

export interface ModelEntry {
  readonly id: string;
  readonly version: string;
  readonly root: string;
  readonly dir: string;
  readonly card: ModelCard;
}

export interface LoadedModel extends ModelEntry {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly info: OnnxModelInfo;
}

export interface ModelListing {
  readonly models: readonly ModelEntry[];
  /** Folders under a models root that are not a valid model, with why. */
  readonly problems: readonly { readonly path: string; readonly message: string }[];
}

/** A trained model belongs to the study that trained it: <study>/models. */
export const studyModelsDir = (studyDir: string): string => join(studyDir, MODELS_DIR);

/** The models/ folder shipped with Weft, beside its package.json (in a clone, dist/ or the app bundle). */
export function shippedModelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
      if (name === 'weft') return join(dir, MODELS_DIR);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new WeftError('INTERNAL', 'Cannot find the folder Weft is installed in (no package.json named weft above its code)');
    dir = parent;
  }
}

/** Where a study looks for models: its own trained ones first, then those shipped with Weft. */
export const modelRoots = (studyDir: string): string[] => [studyModelsDir(studyDir), shippedModelsDir()];

export async function readManifest(path: string): Promise<ModelCard> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WeftError('NOT_FOUND', `${path} does not exist`, { location: { file: path } });
    throw new WeftError('PARSE_ERROR', `${path} is not valid JSON: ${(error as Error).message}`, { location: { file: path }, details: { reason: 'manifest_corrupt' } });
  }
  const parsed = modelCardSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new WeftError('PARSE_ERROR', `${path} is not a valid model manifest: ${issues.join('; ')}`, { location: { file: path }, details: { reason: 'manifest_invalid', issues } });
  }
  return parsed.data;
}

async function subdirectories(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** Every model under the given roots, reading manifests only; invalid folders are listed as problems. */
export async function listModels(roots: readonly string[]): Promise<ModelListing> {
  const models: ModelEntry[] = [];
  const problems: { path: string; message: string }[] = [];
  const seen = new Map<string, string>();
  for (const rootArg of roots) {
    const root = resolve(rootArg);
    for (const id of await subdirectories(root)) {
      for (const version of await subdirectories(join(root, id))) {
        const dir = join(root, id, version);
        try {
          const card = await readManifest(join(dir, MANIFEST_FILE));
          if (card.id !== id || card.version !== version) {
            throw new WeftError('PARSE_ERROR', `its manifest names ${card.id} ${card.version}, but the folder is ${id}/${version}`);
          }
          const key = `${id}@${version}`;
          const other = seen.get(key);
          if (other !== undefined) throw new WeftError('CONFLICT', `${id} ${version} is also in ${other}`);
          seen.set(key, dir);
          models.push({ id, version, root, dir, card });
        } catch (error) {
          problems.push({ path: dir, message: (error as Error).message });
        }
      }
    }
  }
  models.sort((a, b) => a.id.localeCompare(b.id) || compareVersions(a.version, b.version));
  return { models, problems };
}

/** One model's entry: the given version, or the latest. */
export async function findModel(roots: readonly string[], id: string, version?: string): Promise<ModelEntry> {
  const { models, problems } = await listModels(roots);
  const versions = models.filter((m) => m.id === id);
  const wanted = version ?? latestVersion(versions.map((m) => m.version));
  const entry = versions.find((m) => m.version === wanted);
  if (entry !== undefined) return entry;
  const problem = problems.find((p) => p.path.split(/[\\/]/).includes(id));
  const available = versions.length > 0 ? `versions of ${id}: ${versions.map((m) => m.version).join(', ')}` : `models: ${[...new Set(models.map((m) => m.id))].join(', ') || 'none'}`;
  throw new WeftError('NOT_FOUND', `No model ${id}${version === undefined ? '' : ` ${version}`} in ${roots.join(' or ')} (${available})${problem ? `; ${problem.path}: ${problem.message}` : ''}`, {
    details: { id, version: version ?? null },
  });
}

/** Reads a model's .onnx file and checks it against its manifest (hash, embedded card, tensors). */
export async function loadModel(entry: ModelEntry): Promise<LoadedModel> {
  const file = join(entry.dir, MODEL_FILE);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new WeftError('NOT_FOUND', `Model ${entry.id} ${entry.version} has no ${MODEL_FILE} in ${entry.dir}`, { location: { file }, cause: error });
  }
  const info = checkModelFile(entry.card, bytes, file);
  return { ...entry, bytes, sha256: sha256Hex(bytes), info };
}

/**
 * Adds a model under `root` as <id>/<version>/: the manifest is the card with the file's
 * SHA-256 filled in. The folder appears complete or not at all; an existing version is never
 * overwritten.
 */
export async function registerModel(root: string, card: ModelCardInput, bytes: Uint8Array): Promise<LoadedModel> {
  const parsed = modelCardSchema.parse({ ...card, provenance: { ...card.provenance, onnx_sha256: sha256Hex(bytes) } });
  const dir = join(resolve(root), parsed.id, parsed.version);
  const file = join(dir, MODEL_FILE);
  const info = checkModelFile(parsed, bytes, file);
  if (existsSync(dir)) {
    throw new WeftError('CONFLICT', `Model ${parsed.id} ${parsed.version} already exists in ${dir}; give the new one another version`, { details: { id: parsed.id, version: parsed.version } });
  }
  const staging = join(resolve(root), parsed.id, `.${parsed.version}.staging-${process.pid}-${Date.now()}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(join(staging, MODEL_FILE), bytes);
    await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(parsed, null, 2)}\n`);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { id: parsed.id, version: parsed.version, root: resolve(root), dir, card: parsed, bytes, sha256: sha256Hex(bytes), info };
}
