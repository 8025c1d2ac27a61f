import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = resolve(import.meta.dirname, '../../..');

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  extraMetadata: { main: string };
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; category: string; maintainer: string };
  mac: { target: string; category: string; hardenedRuntime: boolean };
  win: { target: string };
  publish: null;
}

let config: BuilderConfig;

beforeAll(async () => {
  config = parse(await readFile(resolve(REPO, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
});

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toBe('org.weft.workbench');
    expect(config.productName).toBe('Weft');
    expect(config.directories.output).toBe('release');
  });

  it('packs the built app, the demo study and the models, without source maps or declarations', () => {
    expect(config.files).toEqual(['dist/src/**', 'dist/datasets/**', 'models/**', 'package.json', '!**/*.map', '!**/*.d.ts']);
  });

  it('starts the built main process, which is where package.json points too', async () => {
    const pkg = JSON.parse(await readFile(resolve(REPO, 'package.json'), 'utf8')) as { main: string };
    expect(config.extraMetadata.main).toBe('dist/src/main/index.js');
    expect(pkg.main).toBe(config.extraMetadata.main);
  });

  it('packs into asar with the native addons unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/@duckdb/**', 'node_modules/onnxruntime-node/**']));
  });

  it('flips every fuse', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Science');
    expect(config.linux.maintainer).not.toBe('');
    expect(config.mac.target).toBe('dmg');
    expect(config.mac.category).toBe('public.app-category.education');
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.win.target).toBe('nsis');
  });

  it('publishes nowhere', () => {
    expect(Object.hasOwn(config, 'publish')).toBe(true);
    expect(config.publish).toBeNull();
  });

  it("passes electron-builder's own configuration schema", async () => {
    const require = createRequire(resolve(REPO, 'package.json'));
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<unknown>;
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(REPO, resolve(REPO, 'electron-builder.yml'), null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });
});
