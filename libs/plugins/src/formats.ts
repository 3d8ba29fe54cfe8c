import { isIPv4, isIPv6 } from 'node:net';

/**
 * The `format` values a plugin schema may use. ajv ships none; these are checked with plain code
 * rather than regular expressions so that no format can be made to backtrack.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(z|[+-]\d{2}:\d{2})$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const MAX_FORMAT_INPUT = 2048;

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isTime(value: string): boolean {
  const m = TIME.exec(value);
  return m !== null && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3]) < 61;
}

function isDateTime(value: string): boolean {
  const t = value.search(/[tT ]/);
  return t === 10 && isDate(value.slice(0, t)) && isTime(value.slice(t + 1));
}

function isHostname(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => DNS_LABEL.test(label));
}

function isEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at < 1 || at === value.length - 1 || value.length > 320) return false;
  const local = value.slice(0, at);
  return !/[\s@]/.test(local) && isHostname(value.slice(at + 1)) && value.slice(at + 1).includes('.');
}

function isUri(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function bounded(check: (value: string) => boolean): (value: string) => boolean {
  return (value) => value.length <= MAX_FORMAT_INPUT && check(value);
}

export const PLUGIN_SCHEMA_FORMATS: Readonly<Record<string, (value: string) => boolean>> = Object.freeze({
  date: bounded(isDate),
  time: bounded(isTime),
  'date-time': bounded(isDateTime),
  email: bounded(isEmail),
  hostname: bounded(isHostname),
  ipv4: bounded(isIPv4),
  ipv6: bounded(isIPv6),
  uri: bounded(isUri),
  uuid: bounded((v) => UUID.test(v)),
});
