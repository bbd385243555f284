import { parseMarkdownCatalog } from './markdownCatalog';
import type { Catalog } from './model';
import { parseYamlCatalog } from './yamlCatalog';

/** Parses a catalog by its file name: `.yaml`/`.yml` as YAML, anything else as markdown. */
export function parseCatalog(text: string, file: string): Catalog {
  return /\.ya?ml$/i.test(file) ? parseYamlCatalog(text, file) : parseMarkdownCatalog(text, file);
}

export { parseMarkdownCatalog, parseYamlCatalog };
