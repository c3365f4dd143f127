/**
 * Row parsers of the two Ali-CCP files:
 * `sample_skeleton_*.csv`: sample_id,click,conversion,common_feature_index,num_features,feature_list
 * `common_features_*.csv`: common_feature_index,num_features,feature_list
 */
import type { RowLedger } from '../bad-input.js';
import {
  type CellLocation,
  columnOfField,
  isIdCell,
  parseLabel,
  rejectIdCell,
} from '../shared/csv-checks.js';
import { type ParsedFeatures, parseFeatureList } from './parse-features.js';

export interface SkeletonRow {
  click: number;
  conversion: number;
  commonFeatureIndex: string;
  sampleId: string;
}

function checkColumns(cells: readonly string[], expected: number, at: CellLocation, header: string): boolean {
  if (cells.length === expected) return true;
  at.ledger.reject('column-count', `wrong number of columns`, {
    where: { file: at.file, line: at.line, column: 1 },
    expected: `${expected} comma-separated columns (${header})`,
    found: `${cells.length} columns`,
  });
  return false;
}

function checkCount(cell: string, column: number, at: CellLocation): number {
  if (isIdCell(cell)) return Number(cell);
  rejectIdCell(cell, 'num_features', column, at);
  return -1;
}

/** Parses a skeleton line into `row` and `features`; false after recording a rejection. */
export function parseSkeletonLine(
  line: string,
  at: CellLocation,
  row: SkeletonRow,
  features: ParsedFeatures,
): boolean {
  const cells = line.split(',');
  const header = 'sample_id,click,conversion,common_feature_index,num_features,feature_list';
  if (!checkColumns(cells, 6, at, header)) return false;
  const [sampleId, click, conversion, index, count, list] = cells as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!isIdCell(sampleId)) {
    rejectIdCell(sampleId, 'sample_id', 1, at);
    return false;
  }
  row.sampleId = sampleId;
  // Fast path for the valid labels; columns are located only on the error path.
  row.click = click === '0' ? 0 : click === '1' ? 1 : parseLabel(click, 'click', columnOfField(line, 1), at);
  if (row.click < 0) return false;
  row.conversion =
    conversion === '0'
      ? 0
      : conversion === '1'
        ? 1
        : parseLabel(conversion, 'conversion', columnOfField(line, 2), at);
  if (row.conversion < 0) return false;
  if (index === '') {
    at.ledger.reject('malformed', 'common_feature_index is empty', {
      where: { file: at.file, line: at.line, column: columnOfField(line, 3) },
      expected: 'a common feature index',
      found: index,
    });
    return false;
  }
  row.commonFeatureIndex = index;
  const expectedCount = isIdCell(count) ? Number(count) : checkCount(count, columnOfField(line, 4), at);
  if (expectedCount < 0) return false;
  return parseFeatureList(list, expectedCount, line.length - list.length + 1, at, features);
}

/** Parses a common-features line; returns its index, or undefined after recording a rejection. */
export function parseCommonLine(
  line: string,
  at: CellLocation,
  features: ParsedFeatures,
): string | undefined {
  const cells = line.split(',');
  if (!checkColumns(cells, 3, at, 'common_feature_index,num_features,feature_list')) return undefined;
  const [index, count, list] = cells as [string, string, string];
  if (index === '') {
    at.ledger.reject('malformed', 'common_feature_index is empty', {
      where: { file: at.file, line: at.line, column: 1 },
      expected: 'a common feature index',
      found: index,
    });
    return undefined;
  }
  const expectedCount = checkCount(count, columnOfField(line, 1), at);
  if (expectedCount < 0) return undefined;
  return parseFeatureList(list, expectedCount, columnOfField(line, 2), at, features) ? index : undefined;
}

export function locate(file: string, line: number, ledger: RowLedger): CellLocation {
  return { file, line, ledger };
}
