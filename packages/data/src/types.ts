/**
 * The data contract of dtrn: a feature schema, and batches and in-memory datasets made only of
 * typed arrays (no tensors). Every multi-valued field is an array in schema order: `sparse[i]`
 * belongs to `schema.sparseFields[i]`, `labels[k]` to `schema.tasks[k]`, `sequences[m]` to
 * `schema.sequences.behaviors[m]`.
 */

/**
 * What happens to an id never seen when the vocabulary was built (or below its min frequency):
 * - `error`: a located DataError;
 * - `reserved`: mapped to the reserved OOV row 1;
 * - `hash`: hashed into the rows after the known ids (a fixed number of hash buckets).
 */
export type OovPolicy = 'error' | 'reserved' | 'hash';

/**
 * An id space is one embedding table. Ids are mapped to rows: row 0 is always padding (never a real
 * id), row 1 is the OOV row under the `reserved` policy, known ids follow.
 */
export interface IdSpaceSpec {
  readonly name: string;
  /** Rows of the table, padding and OOV/hash rows included. */
  readonly size: number;
  readonly oov: OovPolicy;
  /** Hash buckets at the end of the table (only with `oov: 'hash'`). */
  readonly hashBuckets?: number;
}

/** A categorical feature of the sample (user id, target item, context...). */
export interface SparseFieldSpec {
  readonly name: string;
  /** Name of its id space; fields may share one (the target item and all sequences share `item`). */
  readonly idSpace: string;
}

/** A numeric feature of the sample. */
export interface DenseFieldSpec {
  readonly name: string;
}

/** One behavior type (click, cart, order...) with its own sequence. */
export interface BehaviorSpec {
  readonly name: string;
  /** Padded length L_m. */
  readonly maxLength: number;
}

/** A side field of every sequence element (category, brand, price bucket...). */
export interface SequenceSideFieldSpec {
  readonly name: string;
  readonly idSpace: string;
}

export interface SequencesSpec {
  readonly behaviors: readonly BehaviorSpec[];
  /** Id space of the items of every behavior sequence. */
  readonly itemIdSpace: string;
  /** Side fields of every element, shared by all behaviors. */
  readonly sideFields: readonly SequenceSideFieldSpec[];
  /** Name of the sparse field holding the target item (for target attention); same id space as the items. */
  readonly targetField: string;
  /**
   * Names of the sparse fields holding the target item's side values, aligned with `sideFields`
   * (same id spaces), so the target embeds like a sequence element. Optional.
   */
  readonly targetSideFields?: readonly string[];
}

/** Rows where a task is defined: all, or only where another task is positive (conversion on clicks). */
export type SampleSpace = 'all' | { readonly positiveOf: string };

export interface TaskSpec {
  readonly name: string;
  /** Default `all`. */
  readonly sampleSpace?: SampleSpace;
}

export interface DatasetSchema {
  readonly idSpaces: readonly IdSpaceSpec[];
  readonly sparseFields: readonly SparseFieldSpec[];
  readonly denseFields: readonly DenseFieldSpec[];
  readonly sequences?: SequencesSpec;
  readonly tasks: readonly TaskSpec[];
  /** Name of a sparse field (usually the user) used for GAUC and for splits by user. */
  readonly groupField?: string;
}

/** The sequences of one behavior type for a batch of B samples. */
export interface SequenceColumns {
  /**
   * [B * L] mapped item ids, row-major. Padding (0) comes first and the most recent element is at
   * index L - 1 of each row, so position L - 1 always means "latest".
   */
  readonly items: Int32Array;
  /** [B * L] per side field, aligned with `items` (0 where `items` is 0). */
  readonly sideFields: readonly Int32Array[];
  /** L for this behavior. */
  readonly maxLength: number;
}

/** A batch of B samples: typed arrays only, mapped ids, in schema order. */
export interface Batch {
  readonly size: number;
  /** Per sparse field, [B] mapped ids. */
  readonly sparse: readonly Int32Array[];
  /** Per dense field, [B] values. */
  readonly dense: readonly Float32Array[];
  /** Per behavior, the padded sequences. Empty when the schema has no sequences. */
  readonly sequences: readonly SequenceColumns[];
  /** Per task, [B] labels in {0, 1}. */
  readonly labels: readonly Float32Array[];
  /** Per task, [B] 1/0 sample-space mask, or undefined when the task is defined on all rows. */
  readonly sampleMasks: readonly (Float32Array | undefined)[];
  /** [B] group ids (the schema's group field), if the schema has one. */
  readonly groups?: Int32Array;
}

/**
 * A whole dataset in memory, in the same columnar layout as a Batch with N rows, plus optional
 * timestamps (for splits by time) and named extra columns (e.g. a generator's true logits).
 */
export interface InMemoryDataset extends Batch {
  readonly schema: DatasetSchema;
  /** [N] event times (any monotone unit), for splits by time. */
  readonly timestamps?: Float64Array;
  /** Extra per-row columns, [N] each, e.g. `oracle/click`. Carried through splits and batches. */
  readonly extras?: Readonly<Record<string, Float32Array>>;
}
