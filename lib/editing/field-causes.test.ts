import { describe, expect, it } from 'vitest';
import { fieldCauses } from './field-causes';

describe('fieldCauses', () => {
  it('maps 422 causes to paths, keeping field-less ones for the general area', () => {
    const status = {
      code: 422,
      reason: 'Invalid',
      message: 'VirtualService.networking.istio.io "web-service" is invalid: […]',
      details: {
        causes: [
          { reason: 'FieldValueTypeInvalid', field: 'spec.http[2].route[0].weight', message: 'Invalid value: "string": spec.http[2].route[0].weight in body must be of type integer: "string"' },
          { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' },
        ],
      },
    };
    expect(fieldCauses(status)).toEqual([
      {
        field: 'spec.http[2].route[0].weight',
        path: ['spec', 'http', 2, 'route', 0, 'weight'],
        pointer: '/spec/http/2/route/0/weight',
        message: 'Invalid value: "string": spec.http[2].route[0].weight in body must be of type integer: "string"',
        reason: 'FieldValueTypeInvalid',
      },
      { field: '', message: status.details.causes[1]!.message, reason: 'FieldValueInvalid' },
    ]);
  });

  it('turns a strict decoding error (400, no causes) into one cause per unknown or duplicate field', () => {
    const status = {
      code: 400,
      reason: 'BadRequest',
      message: 'VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec.bar", unknown field "spec.http[0].foo", duplicate field "spec.hosts"',
    };
    expect(fieldCauses(status).map((c) => [c.field, c.pointer, c.reason])).toEqual([
      ['spec.bar', '/spec/bar', 'FieldValueUnknown'],
      ['spec.http[0].foo', '/spec/http/0/foo', 'FieldValueUnknown'],
      ['spec.hosts', '/spec/hosts', 'FieldValueDuplicate'],
    ]);
  });

  it('has nothing to say about other errors', () => {
    expect(fieldCauses({ code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled…' })).toEqual([]);
    expect(fieldCauses(undefined)).toEqual([]);
  });
});
