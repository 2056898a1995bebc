// A commander option made from one row of config/run-settings.ts, with the number parsers
// every command shares (`run`, and `sweep`, whose steps take the same settings).
import { InvalidArgumentError, Option } from '@commander-js/extra-typings'
import type { RunSetting } from '../config/run-settings.js'

export function number(value: string): number {
  const parsed = Number(value)
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError('Not a number.')
  return parsed
}

export function integer(value: string): number {
  const parsed = number(value)
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('Not a whole number.')
  return parsed
}

export function settingOption(setting: RunSetting): Option {
  const option = new Option(
    setting.valueName === undefined ? setting.flag : `${setting.flag} ${setting.valueName}`,
    setting.help,
  )
  if (setting.kind === 'number') option.argParser(number)
  if (setting.kind === 'integer') option.argParser(integer)
  if (setting.choices !== undefined) option.choices(setting.choices)
  return option
}
