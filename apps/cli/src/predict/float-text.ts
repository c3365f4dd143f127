/** Text of float32 values: the shortest decimal that reads back as the same float32. */

/** `value` (a float32) as the shortest decimal that `Math.fround(Number(text))` maps back to it. */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  // Nine significant digits always identify a float32.
  return String(Number(value.toPrecision(9)));
}
