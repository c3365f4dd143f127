/**
 * A run's data config as the comparison engine's data source (`@dtrn/compare`): the splits of each
 * seed from `loadData`; for synthetic data also the control setting with the same size, knobs and
 * split, which DATA.md's meaningfulness check calibrates on.
 */
import type { ComparisonDataSource } from '@dtrn/compare';
import type { DataConfig } from '../config/data-config.js';
import { type LoadedData, loadData } from './load-data.js';

/**
 * `onLoad` sees each seed's data (not the calibration run's). `description`, when given, replaces the
 * loaded data's (a table prepared into the run is described by its config, not its shard directory).
 */
export function dataSource(
  config: DataConfig,
  onLoad?: (data: LoadedData) => void,
  description?: string | null,
): ComparisonDataSource {
  const load = async (seed: number) => {
    const loaded = await loadData(config, seed);
    const data = description ? { ...loaded, description } : loaded;
    onLoad?.(data);
    return data;
  };
  if (config.kind !== 'synthetic') return { load };
  const control = { ...config, setting: 'control' as const };
  return {
    load,
    synthetic: { control: config.setting === 'control', loadControl: (seed) => loadData(control, seed) },
  };
}
