/**
 * The Ali-CCP fields this loader keeps (DATA.md): user 101, 121, 122, 124-129; item 205, 206, 207,
 * 210, 216; combinations 508, 509, 702, 853; context 301; and the four user bags with counts
 * 109_14 (categories), 110_14 (shops), 127_14 (brands), 150_14 (intention nodes). Other field ids are
 * ignored (counted in the report).
 */

/** Single-valued fields, in schema order; each is a sparse field named by its id. */
export const ALI_CCP_SINGLE_FIELDS = [
  '101',
  '121',
  '122',
  '124',
  '125',
  '126',
  '127',
  '128',
  '129',
  '205',
  '206',
  '207',
  '210',
  '216',
  '508',
  '509',
  '702',
  '853',
  '301',
] as const;

/** Bag fields, in behavior order, with the behavior name each becomes and its kind of id. */
export const ALI_CCP_BAGS = [
  { field: '109_14', behavior: 'category', kind: 'c' },
  { field: '110_14', behavior: 'shop', kind: 's' },
  { field: '127_14', behavior: 'brand', kind: 'b' },
  { field: '150_14', behavior: 'intention', kind: 'i' },
] as const;

/**
 * Item fields that share the `behavior` id space with the bags (the item's category, shop, brand
 * and intention node), so a target and its behaviors embed alike. Keys are prefixed by kind.
 */
export const ALI_CCP_SHARED_KIND: Readonly<Record<string, string>> = {
  '206': 'c',
  '207': 's',
  '216': 'b',
  '210': 'i',
};

/** The id space every bag and the shared item fields use. */
export const ALI_CCP_BEHAVIOR_SPACE = 'behavior';

/** Slot of a kept field: >= 0 single field index, <= -1 bag -(index + 1), undefined ignored. */
export const ALI_CCP_FIELD_SLOTS: ReadonlyMap<string, number> = new Map<string, number>([
  ...ALI_CCP_SINGLE_FIELDS.map((field, index) => [field, index] as [string, number]),
  ...ALI_CCP_BAGS.map((bag, index) => [bag.field, -(index + 1)] as [string, number]),
]);
