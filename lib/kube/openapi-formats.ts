/**
 * String formats the API server checks in CRD schemas (`format:` on `type: string`).
 *
 * The apiextensions server keeps only these formats (`StripUnsupportedFormatsPostProcess`);
 * any other format — including `int32`, `int64`, `double`, `float` on numbers — is ignored, so
 * a 2^40 in an `int32` field is accepted by a real API server (bounds come from
 * `minimum`/`maximum`). The checks follow kube-openapi's `strfmt.Default` registry; a few
 * (`isbn`, `creditcard`, `ssn`) are approximations of govalidator's.
 */

const HOSTNAME =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
/** RFC 3339 date-time, plus the ISO 8601 local form strfmt also accepts. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** strfmt duration: Go's time.ParseDuration syntax, or `<n> <unit>` words (`3 days`). */
const DURATION_GO = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$/;
const DURATION_WORDS = /^(\d+)\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)$/i;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{4}\.){2}([0-9A-Fa-f]{4})$|^([0-9A-Fa-f]{2}[:-]){7}([0-9A-Fa-f]{2})$/;
const HEXCOLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const RGBCOLOR = /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;
const BSON = /^[0-9a-fA-F]{24}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  // netutils.ParseIPSloppy accepts leading zeros.
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  if (!s.includes(':')) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (i === groups.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

export function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

export function isCIDR(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const ip = s.slice(0, i);
  const bits = s.slice(i + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && Number(bits) <= 128;
}

function isRequestURI(s: string): boolean {
  // govalidator.IsRequestURI: url.ParseRequestURI — absolute URL or absolute path.
  if (s.startsWith('/')) return !/\s/.test(s);
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(s);
}

function isHostname(s: string): boolean {
  return HOSTNAME.test(s) && s.length <= 255 && s.split('.').every((p) => p.length <= 63);
}

function isDateTime(s: string): boolean {
  if (!DATE_TIME.test(s)) return false;
  const d = Date.parse(s.replace(' ', 'T').replace(/(\d{2}:\d{2}:\d{2}(\.\d+)?)$/, '$1Z'));
  return !Number.isNaN(d);
}

const digitsOnly = (s: string) => s.replace(/[^0-9X]/gi, '');

const CHECKS: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => BSON.test(s),
  uri: isRequestURI,
  email: (s) => EMAIL.test(s),
  hostname: isHostname,
  ipv4: isIPv4,
  ipv6: isIPv6,
  cidr: isCIDR,
  mac: (s) => MAC.test(s),
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID3.test(s),
  uuid4: (s) => UUID4.test(s),
  uuid5: (s) => UUID5.test(s),
  isbn: (s) => /^(\d{9}[\dX]|\d{13})$/i.test(digitsOnly(s)),
  isbn10: (s) => /^\d{9}[\dX]$/i.test(digitsOnly(s)),
  isbn13: (s) => /^\d{13}$/.test(digitsOnly(s)),
  creditcard: (s) => /^\d{13,19}$/.test(s.replace(/\D/g, '')),
  ssn: (s) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: (s) => HEXCOLOR.test(s),
  rgbcolor: (s) => RGBCOLOR.test(s),
  byte: (s) => s === '' || BASE64.test(s),
  password: () => true,
  date: (s) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)),
  duration: (s) => DURATION_GO.test(s) || DURATION_WORDS.test(s),
  datetime: isDateTime,
};

/** The registry name of a format (`date-time` → `datetime`), or undefined if the API server ignores it. */
export function supportedFormat(format: string | undefined): string | undefined {
  if (!format) return undefined;
  const n = format.replaceAll('-', '');
  return n in CHECKS ? n : undefined;
}

/** Whether `value` is valid for `format`; formats the API server ignores always pass. */
export function checkFormat(format: string, value: string): boolean {
  const n = supportedFormat(format);
  return n === undefined ? true : CHECKS[n]!(value);
}
