import { describe, expect, it } from 'vitest';
import { errorBody, fieldErrors, goFloat, goQuote, invalidMessage } from './field-errors';

describe('Go value printing', () => {
  it('quotes like strconv.Quote', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('tab\there\n')).toBe('"tab\\there\\n"');
    expect(goQuote('\x01')).toBe('"\\x01"');
    expect(goQuote('héllo ✓')).toBe('"héllo ✓"');
  });

  it('prints float64 like %v', () => {
    expect(goFloat(1.5)).toBe('1.5');
    expect(goFloat(100000)).toBe('100000');
    expect(goFloat(1000000)).toBe('1e+06');
    expect(goFloat(4294967295)).toBe('4.294967295e+09');
    expect(goFloat(0.0001)).toBe('0.0001');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(goFloat(-2.25)).toBe('-2.25');
  });
});

describe('field errors', () => {
  it('render ErrorBody as the API server does', () => {
    expect(fieldErrors.required('spec.host').message).toBe('Required value');
    expect(fieldErrors.notSupported('spec.tls.mode', 'FOO', ['A', 'B']).message).toBe('Unsupported value: "FOO": supported values: "A", "B"');
    expect(fieldErrors.invalid('spec.x', 101, 'too big').message).toBe('Invalid value: 101: too big');
    expect(fieldErrors.invalid('', null, 'x')).toEqual({ reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "null": x' });
    expect(fieldErrors.tooLong('spec.x', 63).message).toBe('Too long: may not be more than 63 bytes');
    expect(fieldErrors.tooMany('spec.x', 5, 4).message).toBe('Too many: 5: must have at most 4 items');
    expect(errorBody('FieldValueForbidden', 'ignored', 'nope')).toBe('Forbidden: nope');
  });

  it('aggregates causes into the 422 message', () => {
    const c = [fieldErrors.required('spec.host'), fieldErrors.required('spec.host'), fieldErrors.invalid('spec.x', 'a', 'b')];
    expect(invalidMessage('DestinationRule', 'networking.istio.io', 'r', c)).toBe(
      'DestinationRule.networking.istio.io "r" is invalid: [spec.host: Required value, spec.x: Invalid value: "a": b]',
    );
    expect(invalidMessage('Service', '', 's', [c[0]!])).toBe('Service "s" is invalid: spec.host: Required value');
  });
});
