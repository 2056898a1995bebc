// Numbers with thousands separators, without Intl: the first toLocaleString of a process
// loads ICU's locale data (~20–40 ms of CPU, measured in bench `cold-start`), and each call
// with options builds a NumberFormat. Both report languages group by thousands with commas
// and write the decimal point as ".", so the digits are the same in either.

/** "-1234567.50" → "-1,234,567.50". */
export function groupThousands(plain: string): string {
  const point = plain.indexOf('.')
  const whole = point === -1 ? plain : plain.slice(0, point)
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (point === -1 ? '' : plain.slice(point))
}

/**
 * `value` with exactly `decimals` digits after the point, grouped (1,234.50), rounded as
 * V8's toLocaleString rounds: the shortest decimal that names the double (1.005, not
 * 1.00499…), half away from zero. Beyond what a double holds exactly, Intl does it.
 */
export function groupedFixed(value: number, decimals: number): string {
  const abs = Math.abs(value)
  const shortest = String(abs)
  // "1.005e2" is read as exactly 100.5: the decimal shift happens on the text, not in binary.
  const scaled = shortest.includes('e') ? Number.NaN : Math.round(Number(`${shortest}e${decimals}`))
  if (!Number.isSafeInteger(scaled)) return value.toLocaleString('en-US', fixedOptions(decimals))
  const digits = String(scaled).padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = decimals === 0 ? '' : `.${digits.slice(-decimals)}`
  const sign = value < 0 || Object.is(value, -0) ? '-' : ''
  return `${sign}${groupThousands(whole)}${fraction}`
}

function fixedOptions(decimals: number): Intl.NumberFormatOptions {
  return { minimumFractionDigits: decimals, maximumFractionDigits: decimals }
}

/** A whole number, grouped: 12,345. Fractions go through Intl (at most 3 decimals). */
export function groupedCount(value: number): string {
  return Number.isSafeInteger(value) ? groupThousands(String(value)) : value.toLocaleString('en-US')
}
