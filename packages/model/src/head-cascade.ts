/**
 * The task cascade of heads that use one (ESMM, AITM: `usesCascade`), from the dataset schema:
 * the chain of sample spaces (conversion `positiveOf` click gives [click, conversion]), or the
 * model's `headArgs.cascade` (task names or indices) checked against that chain. Never guessed
 * from task names.
 */
import { ConfigError, closestMatch } from '@dtrn/base';
import { type DatasetSchema, summarizeSchema } from '@dtrn/data';

const WHERE = 'ModelArgs.headArgs.cascade';

/** Task indices of the cascade for a head named `head` (a ConfigError when the schema has none). */
export function headCascade(schema: DatasetSchema, head: string, given: unknown): number[] {
  const parents = summarizeSchema(schema).sampleSpaceParents; // per task: parent index or -1
  const names = schema.tasks.map((task) => task.name);
  if (given === undefined) return derivedCascade(parents, names, head);
  if (!Array.isArray(given)) {
    throw new ConfigError(`${WHERE} is invalid`, {
      expected: `task names or indices in funnel order, e.g. ["${names[0]}", "${names[1] ?? names[0]}"]`,
      found: given,
    });
  }
  const cascade = given.map((task, step) => taskIndex(task, names, `${WHERE}[${step}]`));
  cascade.forEach((task, step) => {
    const previous = cascade[step - 1];
    if (previous === undefined || parents[task] === previous) return;
    const parent = parents[task]!;
    throw new ConfigError(
      `${WHERE}: head "${head}" trains task "${names[task]}" on the entire space of "${names[previous]}"'s impressions, so the schema must give it sampleSpace { positiveOf: "${names[previous]}" }`,
      {
        expected: `tasks[${task}].sampleSpace = { positiveOf: "${names[previous]}" } (conversion observed on clicks)`,
        found: parent < 0 ? 'all' : `{ positiveOf: "${names[parent]}" }`,
      },
    );
  });
  return cascade;
}

function taskIndex(task: unknown, names: readonly string[], where: string): number {
  if (typeof task === 'number' && Number.isInteger(task) && task >= 0 && task < names.length) return task;
  const index = typeof task === 'string' ? names.indexOf(task) : -1;
  if (index >= 0) return index;
  const match = typeof task === 'string' ? closestMatch(task, names) : undefined;
  throw new ConfigError(`${where}: unknown task${match ? `; did you mean "${match}"?` : ''}`, {
    expected: `a task name (${names.map((n) => `"${n}"`).join(', ')}) or index in [0, ${names.length - 1}]`,
    found: task,
  });
}

/** The one chain of sample spaces in the schema, root first. */
function derivedCascade(parents: readonly number[], names: readonly string[], head: string): number[] {
  const children = names.map((_, task) =>
    parents.flatMap((parent, child) => (parent === task ? [child] : [])),
  );
  const roots = names.flatMap((_, task) => (parents[task]! < 0 && children[task]!.length > 0 ? [task] : []));
  const branching = children.findIndex((list) => list.length > 1);
  if (roots.length !== 1 || branching >= 0) {
    const reason =
      roots.length === 0
        ? 'no task has a sampleSpace { positiveOf: ... } (conversion observed on clicks)'
        : `the sample spaces do not form one chain (${branching >= 0 ? `"${names[branching]}" is the parent of ${children[branching]!.map((c) => `"${names[c]}"`).join(' and ')}` : 'two separate chains'})`;
    throw new ConfigError(`head "${head}" needs a task cascade (e.g. click then conversion), but ${reason}`, {
      expected: `a schema whose later funnel steps have sampleSpace { positiveOf: <previous step> } (synthetic data: taskMode "cascade"), or ${WHERE} naming the steps, e.g. ["${names[0]}", "${names[1] ?? names[0]}"]`,
      found: names
        .map((name, task) => `${name}: ${parents[task]! < 0 ? 'all' : `positiveOf ${names[parents[task]!]}`}`)
        .join(', '),
    });
  }
  const cascade = [roots[0]!];
  for (let next = children[roots[0]!]![0]; next !== undefined; next = children[next]![0]) cascade.push(next);
  return cascade;
}
