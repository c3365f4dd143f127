/**
 * The UCI Census-Income (KDD) data set as `@dtrn/prepare` table configs: the MMoE paper's two task
 * groups. The same configs ship as `examples/census-income/dataset.yaml` and `dataset-group2.yaml`
 * (with a `file`); a test checks they agree. The raw file comes from `--data` (nothing is fetched).
 */

/** Column names in file order, from the UCI description (`census-income.names`). */
export const CENSUS_INCOME_COLUMNS = [
  'age',
  'class_worker',
  'det_ind_code',
  'det_occ_code',
  'education',
  'wage_per_hour',
  'hs_college',
  'marital_stat',
  'major_ind_code',
  'major_occ_code',
  'race',
  'hisp_origin',
  'sex',
  'union_member',
  'unemp_reason',
  'full_or_part_emp',
  'capital_gains',
  'capital_losses',
  'stock_dividends',
  'tax_filer_stat',
  'region_prev_res',
  'state_prev_res',
  'det_hh_fam_stat',
  'det_hh_summ',
  'instance_weight',
  'mig_chg_msa',
  'mig_chg_reg',
  'mig_move_reg',
  'mig_same',
  'mig_prev_sunbelt',
  'num_emp',
  'fam_under_18',
  'country_father',
  'country_mother',
  'country_self',
  'citizenship',
  'own_or_self',
  'vet_question',
  'vet_benefits',
  'weeks_worked',
  'year',
  'income_50k',
] as const;

/**
 * The 7 continuous attributes (torch-rechub's dense columns) and their transforms (statistics of
 * the training split): `log1p` for the heavy-tailed money columns (mostly 0, up to 99,999),
 * `standardize` for the others. Our choice over torch-rechub's MinMax: equal validation AUC for
 * Shared-Bottom and higher for MMoE (docs/results/census-income.md).
 */
const NUMERIC_TRANSFORMS = {
  age: 'standardize',
  wage_per_hour: 'log1p',
  capital_gains: 'log1p',
  capital_losses: 'log1p',
  stock_dividends: 'log1p',
  num_emp: 'standardize',
  weeks_worked: 'standardize',
} as const;

export const CENSUS_INCOME_NUMERIC = Object.keys(NUMERIC_TRANSFORMS) as (keyof typeof NUMERIC_TRANSFORMS)[];

/** Every nominal attribute except the two labels of group 1 (marital status and income). */
const CATEGORICAL = [
  'class_worker',
  'det_ind_code',
  'det_occ_code',
  'education',
  'hs_college',
  'major_ind_code',
  'major_occ_code',
  'race',
  'hisp_origin',
  'sex',
  'union_member',
  'unemp_reason',
  'full_or_part_emp',
  'tax_filer_stat',
  'region_prev_res',
  'state_prev_res',
  'det_hh_fam_stat',
  'det_hh_summ',
  'mig_chg_msa',
  'mig_chg_reg',
  'mig_move_reg',
  'mig_same',
  'mig_prev_sunbelt',
  'fam_under_18',
  'country_father',
  'country_mother',
  'country_self',
  'citizenship',
  'own_or_self',
  'vet_question',
  'vet_benefits',
  'year',
] as const;

const NEVER_MARRIED = {
  name: 'never_married',
  column: 'marital_stat',
  positive: ['Never married'],
  negative: [
    'Married-civilian spouse present',
    'Married-spouse absent',
    'Married-A F spouse present',
    'Divorced',
    'Separated',
    'Widowed',
  ],
};

/** "Education at least college": a college degree (associate's or higher). */
const COLLEGE_DEGREES = [
  'Associates degree-occup /vocational',
  'Associates degree-academic program',
  'Bachelors degree(BA AB BS)',
  'Masters degree(MA MS MEng MEd MSW MBA)',
  'Prof school degree (MD DDS DVM LLB JD)',
  'Doctorate degree(PhD EdD)',
];
const BELOW_COLLEGE_DEGREE = [
  'Children',
  'Less than 1st grade',
  '1st 2nd 3rd or 4th grade',
  '5th or 6th grade',
  '7th and 8th grade',
  '9th grade',
  '10th grade',
  '11th grade',
  '12th grade no diploma',
  'High school graduate',
  'Some college but no degree',
];

function fields(categorical: readonly string[]) {
  return [
    ...CENSUS_INCOME_NUMERIC.map((name) => ({ name, type: 'numeric', transform: NUMERIC_TRANSFORMS[name] })),
    ...categorical.map((name) => ({ name, type: 'categorical' })),
  ];
}

/** Reading, splitting and policies shared by both groups (the file is the UCI test split). */
const READING = {
  format: 'csv',
  header: false,
  delimiter: ', ',
  nullValues: ['?'],
  columns: [...CENSUS_INCOME_COLUMNS],
  split: { by: 'random', validation: 0.1, test: 0.2, seed: 0 },
};

/** Task group 1 (MMoE paper, torch-rechub): income > 50k and never married. */
export const CENSUS_INCOME_GROUP_1: Readonly<Record<string, unknown>> = Object.freeze({
  name: 'census-income',
  ...READING,
  fields: fields(CATEGORICAL),
  tasks: [
    { name: 'income', column: 'income_50k', positive: ['50000+.'], negative: ['- 50000.'] },
    NEVER_MARRIED,
  ],
  labels: 'strict',
  badInput: 'error',
});

/**
 * Task group 2 (MMoE paper): education at least college (a college degree) and never married.
 * Education becomes a label, so it leaves the features; income (the file's class label, not a
 * census attribute) is left out as well.
 */
export const CENSUS_INCOME_GROUP_2: Readonly<Record<string, unknown>> = Object.freeze({
  name: 'census-income-group2',
  ...READING,
  fields: fields(CATEGORICAL.filter((name) => name !== 'education')),
  tasks: [
    { name: 'college', column: 'education', positive: COLLEGE_DEGREES, negative: BELOW_COLLEGE_DEGREE },
    NEVER_MARRIED,
  ],
  labels: 'strict',
  badInput: 'error',
});
