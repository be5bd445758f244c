const names = { type: 'array', items: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' } } as const;

const labelSelector = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string', minLength: 1 },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

const parameterValue = {
  oneOf: [
    { type: ['string', 'number', 'boolean'] },
    {
      type: 'object',
      additionalProperties: false,
      required: ['value'],
      properties: { value: { type: ['string', 'number', 'boolean'] }, locked: { type: 'boolean' } },
    },
  ],
} as const;

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        namespaces: names,
        namespaceSelector: labelSelector,
        podSelector: labelSelector,
        serviceAccounts: names,
      },
    },
    default: names,
    required: names,
    allowed: names,
    forbidden: names,
    parameters: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: parameterValue },
    },
  },
} as const;

/** JSON Schema (draft-07, checked by ajv) of a policy file. */
export const policyFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'sidecar-injector.io/v1alpha1' },
    kind: { const: 'SidecarPolicy' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['rules'],
      properties: { rules: { type: 'array', items: rule } },
    },
  },
} as const;
