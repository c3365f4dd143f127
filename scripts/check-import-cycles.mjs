// Import cycles: between the workspace's packages (their package.json dependencies) and between the
// parts of each package's or app's src/ (relative imports of the TypeScript sources, tests left
// out). A part is a folder directly below src/ (with everything inside it) or a file directly in
// src/; part A depends on part B when a file of A imports a file of B. Prints every cycle, with an
// import that closes each step, and exits 1 when there is one.
//
//   node scripts/check-import-cycles.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Strongly connected components with more than one node (Tarjan). */
function cycles(graph) {
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (node) => {
    indexOf.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indexOf.get(next)));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.reverse());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return found;
}

function addEdge(graph, from, to, why) {
  if (!graph.has(from)) graph.set(from, new Map());
  if (!graph.has(to)) graph.set(to, new Map());
  if (from !== to && !graph.get(from).has(to)) graph.get(from).set(to, why);
}

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.(test|bench)\.tsx?$/.test(name) && !name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
}

const packages = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(root, group, name))
    .filter((dir) => existsSync(join(dir, 'package.json'))),
);
const problems = [];

// Packages: workspace dependencies of every kind.
const packageGraph = new Map();
const names = new Map(
  packages.map((dir) => [JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, dir]),
);
for (const [name, dir] of names) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const dependency of Object.keys(manifest[field] ?? {})) {
      if (names.has(dependency))
        addEdge(packageGraph, name, dependency, `${field} of ${relative(root, dir)}/package.json`);
    }
  }
}
for (const cycle of cycles(packageGraph)) problems.push(`packages: ${cycle.join(' -> ')} -> ${cycle[0]}`);

// Folders inside each src/.
let files = 0;
for (const dir of packages) {
  const src = join(dir, 'src');
  if (!existsSync(src)) continue;
  const graph = new Map();
  const folderOf = (file) => {
    const [first, ...rest] = relative(src, file).split('/');
    return rest.length > 0 ? `${first}/` : first;
  };
  for (const file of sourceFiles(src)) {
    files++;
    addEdge(graph, folderOf(file), folderOf(file), '');
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (!specifier.startsWith('.')) continue;
      const target = resolveImport(file, specifier);
      if (target?.startsWith(src))
        addEdge(graph, folderOf(file), folderOf(target), `${relative(root, file)} imports ${specifier}`);
    }
  }
  for (const cycle of cycles(graph)) {
    const steps = cycle.map(
      (folder, i) => graph.get(folder).get(cycle[(i + 1) % cycle.length]) ?? '(through other parts)',
    );
    problems.push(`${relative(root, src)}: ${cycle.join(' -> ')} -> ${cycle[0]} (${steps.join('; ')})`);
  }
}

if (problems.length > 0) {
  console.error(`import cycles:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  process.exit(1);
}
console.log(
  `import cycles: none between ${names.size} packages, nor between the folders and files directly below their src/ (${files} files)`,
);
