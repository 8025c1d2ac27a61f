import type { ESLint, Rule } from 'eslint';

export const LAYERS: Record<string, { layers: string[]; packages: string[] | '*'; node: boolean; electron: boolean; types: string[] }>;
export const layersRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin & { rules: { layers: Rule.RuleModule } };
export default plugin;
