// Id generators shared by the benchmarks that scale the vocabulary (this one and @dtrn/model's).
export const zipfExponent = 1.1;

/** Zipf(s) ranks in [1, n] by Devroye's rejection sampler for the zeta law, truncated by rejection. */
function zipfSampler(rng, s, n) {
  const b = 2 ** (s - 1);
  return () => {
    for (;;) {
      const x = Math.floor((1 - rng.next()) ** (-1 / (s - 1)));
      if (x > n) continue;
      const t = (1 + 1 / x) ** (s - 1);
      if ((rng.next() * x * (t - 1)) / (b - 1) <= t / b) return x;
    }
  };
}

/** A bijection of [1, rows) that scatters ranks over the table (an odd multiplier mod a prime-free walk). */
function scatter(rows) {
  const span = rows - 1;
  let multiplier = 2654435761 % span;
  const gcd = (a, b) => (b === 0 ? a : gcd(b, a % b));
  while (multiplier < 2 || gcd(multiplier, span) !== 1) multiplier++;
  return (rank) => 1 + Number((BigInt(rank - 1) * BigInt(multiplier)) % BigInt(span));
}

/**
 * `count` row ids in [1, rows): 'uniform'; 'zipf' = Zipf(1.1) ranks over every row, scattered over the
 * table; 'zipf-1e4' = the same law over only 10^4 ids (scattered), so the distinct rows per batch stay
 * equal at every table size. `rng` is an @dtrn/base Rng.
 */
export function makeIds(count, rows, distribution, rng) {
  const ids = new Int32Array(count);
  if (distribution === 'uniform') {
    for (let i = 0; i < count; i++) ids[i] = 1 + rng.int(rows - 1);
    return ids;
  }
  // zipf-1e4: the same Zipf law over only 10^4 ids, scattered over the whole table: the distinct rows
  // per step stay the same at every vocabulary, so only the table size changes.
  const support = distribution === 'zipf-1e4' ? Math.min(rows - 1, 10_000) : rows - 1;
  const sample = zipfSampler(rng, zipfExponent, support);
  const toRow = scatter(rows);
  const rowOfRank = new Map();
  for (let i = 0; i < count; i++) {
    const rank = sample();
    let row = rowOfRank.get(rank);
    if (row === undefined) {
      row = toRow(rank);
      rowOfRank.set(rank, row);
    }
    ids[i] = row;
  }
  return ids;
}
