import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rule that keeps dependencies pointing down (eslint.config.js) is only worth having if
// it fires: these lint snippets as if they lived in each module's folder.
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  // Static imports and re-exports (no-restricted-imports); import() and import('…') types (no-restricted-syntax).
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('dependency direction', () => {
  it.each([
    ['src/platform/http/x.ts', "import { workRoutes } from '../../archive/work.routes.js';\nvoid workRoutes;\n"],
    ['src/platform/x.ts', "import type { Actor } from '../govern/roles.js';\nexport type A = Actor;\n"],
    ['src/govern/x.ts', "import type { Work } from '../archive/work.service.js';\nexport type W = Work;\n"],
    ['src/archive/x.ts', "import type { SearchIndex } from '../discover/search-index.js';\nexport type S = SearchIndex;\n"],
    ['src/archive/import/x.ts', "import type { ScanService } from '../../protect/scan.service.js';\nexport type S = ScanService;\n"],
    ['src/registry/x.ts', "import type { ScanService } from '../protect/scan.service.js';\nexport type S = ScanService;\n"],
    ['src/protect/x.ts', "import type { App } from '../app.js';\nexport type A = App;\n"],
    ['src/media/x.ts', "import type { WorkRepository } from '../archive/work.repository.js';\nexport type R = WorkRepository;\n"],
    ['src/archive/x.routes.ts', "import { WorkRepository } from './work.repository.js';\nvoid WorkRepository;\n"],
    ['src/govern/x.ts', "import type { InstanceService } from '../instance/instance.service.js';\nexport type I = InstanceService;\n"],
    ['src/instance/x.ts', "import type { RegistryService } from '../registry/registry.service.js';\nexport type R = RegistryService;\n"],
    // The forms a plain import rule does not see: a type written as import('…'), a dynamic import, a ./.. path.
    ['src/archive/x.ts', "export type S = import('../discover/search-index.js').SearchIndex;\n"],
    ['src/archive/x.ts', "export async function load() {\n  return import('../protect/scan.service.js');\n}\n"],
    ['src/archive/x.ts', "import type { SearchIndex } from './../discover/search-index.js';\nexport type S = SearchIndex;\n"],
    ['src/platform/x.ts', "export type A = import('../app.js').App;\n"],
    ['src/archive/x.routes.ts', "export type R = import('./work.repository.js').WorkRepository;\n"],
    ['src/publish/x.ts', "import type { ExhibitionService } from '../showcase/exhibition.service.js';\nexport type E = ExhibitionService;\n"],
    ['src/discover/x.ts', "export type H = import('../showcase/home.service.js').HomeService;\n"],
    ['src/showcase/x.routes.ts', "import { ExhibitionRepository } from './exhibition.repository.js';\nvoid ExhibitionRepository;\n"],
    ['src/showcase/x.ts', "import type { App } from '../app.js';\nexport type A = App;\n"],
  ])('%s may not import upwards', async (file, code) => {
    expect(await problems(file, code)).toHaveLength(1);
  });

  it.each([
    ['src/protect/x.ts', "import type { WorkReader } from '../archive/work.repository.js';\nexport type R = WorkReader;\n"],
    ['src/archive/x.ts', "import type { Actor } from '../govern/roles.js';\nexport type A = Actor;\n"],
    ['src/cli/x.ts', "import type { App } from '../app.js';\nexport type A = App;\n"],
    ['src/registry/x.ts', "import type { InstanceServices } from '../instance/instance.module.js';\nexport type I = InstanceServices;\n"],
    ['src/instance/x.ts', "import { requireRole } from '../govern/http-auth.js';\nvoid requireRole;\n"],
    ['src/protect/x.ts', "export type R = import('../archive/work.repository.js').WorkReader;\n"],
    ['src/archive/x.ts', "export async function load() {\n  return import('./work.service.js');\n}\n"],
    ['src/showcase/x.ts', "import type { PresentationService } from '../publish/presentation.service.js';\nexport type P = PresentationService;\n"],
    ['src/showcase/x.ts', "import type { CatalogueService } from '../discover/catalogue.service.js';\nexport type C = CatalogueService;\n"],
  ])('%s may import downwards', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
