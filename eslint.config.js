import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Dependencies point down (docs/architecture.md): platform < govern, media < instance < archive <
// discover, registry < protect < publish < showcase < app.ts and the CLI. A module may import only the modules below it.
// The instance (name, public URL, log origin) sits low so that every feature can read it.
const FEATURES = ['govern', 'media', 'instance', 'archive', 'discover', 'registry', 'protect', 'license', 'publish', 'showcase', 'privacy', 'review', 'transfer'];
const BELOW = {
  platform: [],
  govern: ['platform'],
  media: ['platform'],
  instance: ['platform', 'govern', 'media'],
  archive: ['platform', 'govern', 'media', 'instance'],
  discover: ['platform', 'govern', 'media', 'instance', 'archive'],
  registry: ['platform', 'govern', 'instance', 'archive'],
  protect: ['platform', 'govern', 'media', 'instance', 'archive', 'registry'],
  license: ['platform', 'govern', 'media', 'instance', 'archive', 'discover', 'registry', 'protect', 'transfer'],
  publish: ['platform', 'govern', 'media', 'instance', 'archive', 'registry', 'protect'],
  showcase: ['platform', 'govern', 'media', 'instance', 'archive', 'discover', 'registry', 'protect', 'publish'],
  transfer: ['platform', 'govern', 'media', 'instance', 'archive'],
  privacy: ['platform', 'govern', 'media', 'instance', 'archive', 'discover', 'registry', 'protect', 'license'],
  review: ['platform', 'govern', 'media', 'instance', 'archive', 'discover', 'registry', 'protect'],
};
const layerPatterns = (module) => {
  const forbidden = [...FEATURES, 'cli'].filter((m) => m !== module && !BELOW[module].includes(m));
  return [
    { regex: `^(\\./)?(\\.\\./)+(${forbidden.join('|')})/`, message: `${module} must not depend on modules above it (${forbidden.join(', ')}); take what you need as a port from the composition root.` },
    { regex: '^(\\./)?(\\.\\./)+app\\.js$', message: 'only the CLI and tests may import the composition root; take the services you use as arguments.' },
  ];
};
// Routes validate, authorise, call a service and present; the SQL stays in repositories.
const routePattern = { regex: '\\.repository\\.js$', message: 'routes call services, never repositories.' };
// no-restricted-imports sees import and export … from; import('…') (dynamic, or as a type) needs a selector.
const importCalls = (patterns) =>
  patterns.map(({ regex, message }) => ({
    selector: `:matches(ImportExpression, TSImportType) > Literal.source[value=/${regex.replaceAll('/', '\\/')}/]`,
    message,
  }));
// Flat config replaces (does not merge) a rule set twice for one file, so routes get both lists.
const layerRules = Object.keys(BELOW).flatMap((module) => [
  { files: [`src/${module}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns: layerPatterns(module) }], 'no-restricted-syntax': ['error', ...importCalls(layerPatterns(module))] } },
  {
    files: [`src/${module}/**/*.routes.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...layerPatterns(module), routePattern] }],
      'no-restricted-syntax': ['error', ...importCalls([...layerPatterns(module), routePattern])],
    },
  },
]);

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'coverage/**', 'bench/.out/**', '.scratch/**', 'wasm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  ...layerRules,
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', navigator: 'readonly', fetch: 'readonly', XMLHttpRequest: 'readonly', FormData: 'readonly', URLSearchParams: 'readonly', history: 'readonly', location: 'readonly' } },
  },
);
