/**
 * Bundles what the gateway uses of two many-module dependencies into dist/vendor/, which the
 * gateway imports as `#client-node` and `#kysely` (package.json "imports"; their types are the
 * packages' own). Node keeps every module it loads: @kubernetes/client-node's entry evaluates
 * 826 files (every generated API and model) and kysely's 264, for about 70 and 18 MiB
 * of RSS and 0.4-0.6 and 0.1 s at start-up; the same code as one module each is a fraction of that
 * (docs/benchmarks.md, "Gateway start-up and memory"). Only each package's own files are
 * bundled: its dependencies (js-yaml, openid-client, node-fetch, ...) stay imports that Node
 * resolves from node_modules, as it does for the package.
 *
 *   node scripts/bundle-dependencies.mjs   (part of npm run build; the tests' global setup
 *                                           runs it too, so they use the installed versions)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * One bundle: the package, the module to take the names from, and the names the gateway
 * imports. client-node's KubeConfig is taken from its own module (the package has no
 * "exports" map, so the path is public): its index also evaluates the copy, exec and attach
 * helpers, which load tar-fs and ws.
 */
const BUNDLES = [
  {
    file: 'client-node.js',
    pkg: '@kubernetes/client-node',
    from: '@kubernetes/client-node/dist/config.js',
    names: ['KubeConfig'],
  },
  { file: 'kysely.js', pkg: 'kysely', from: 'kysely', names: ['Kysely', 'Migrator', 'SqliteDialect'] },
];

/** The directory of the package.json that owns a file of a package. */
function packageDirOf(file, pkg) {
  const marker = join('node_modules', pkg);
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`${pkg} resolved outside node_modules: ${file}`);
  return file.slice(0, at + marker.length);
}

for (const { file, pkg, from, names } of BUNDLES) {
  const entry = fileURLToPath(import.meta.resolve(from));
  const packageDir = packageDirOf(entry, pkg);
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const outfile = join(ROOT, 'dist', 'vendor', file);
  const result = await build({
    stdin: { contents: `export { ${names.join(', ')} } from ${JSON.stringify(entry)};`, resolveDir: ROOT },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Bare imports (the package's dependencies) stay imports; its own files, reached from
    // the entry by relative paths, are bundled.
    packages: 'external',
    outfile,
    metafile: true,
    logLevel: 'warning',
    banner: {
      js: `// ${pkg} ${version} (${names.join(', ')}), bundled by scripts/bundle-dependencies.mjs; do not edit.`,
    },
  });
  // The bundle resolves a dependency from dist/vendor, the package from its own directory:
  // the same module unless npm nested another version under the package.
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:')) continue;
      const parts = imp.path.split('/');
      const dep = imp.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (existsSync(join(packageDir, 'node_modules', dep))) {
        throw new Error(
          `${pkg} has its own copy of ${dep} (${join(packageDir, 'node_modules', dep)}), which the bundle would not load; align the versions in package-lock.json`,
        );
      }
    }
  }
}
