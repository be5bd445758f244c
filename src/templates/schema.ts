import { ParameterType } from './types.js';

const dnsLabel = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

const namedObject = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' } },
} as const;

const container = {
  type: 'object',
  required: ['name', 'image'],
  properties: {
    name: { type: 'string', pattern: dnsLabel, maxLength: 63 },
    image: { type: 'string', minLength: 1 },
    classic: { type: 'object' },
    native: { type: 'object' },
  },
} as const;

const parameter = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'description'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 63 },
    type: { enum: Object.values(ParameterType) },
    description: { type: 'string', minLength: 1 },
    default: { type: ['string', 'number', 'boolean'] },
    required: { type: 'boolean' },
    minimum: { type: 'integer' },
    maximum: { type: 'integer' },
    pattern: { type: 'string' },
    maxLength: { type: 'integer', minimum: 1 },
    values: { type: 'array', items: { type: 'string' }, minItems: 1 },
  },
} as const;

/**
 * JSON Schema (draft-07, checked by ajv) of a template file. It fixes the
 * envelope and the parts the injector relies on; container fields beyond
 * name and image are the Kubernetes API's and are checked by rendering.
 */
export const templateFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'sidecar-injector.io/v1alpha1' },
    kind: { const: 'SidecarTemplate' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', pattern: dnsLabel, maxLength: 63 } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['description'],
      properties: {
        description: { type: 'string', minLength: 1 },
        parameters: { type: 'array', items: parameter },
        initContainerPosition: { enum: ['first', 'last'] },
        classicContainerPosition: { enum: ['first', 'last'] },
        failurePolicy: { enum: ['deny', 'admit'] },
        windows: { type: 'boolean' },
        podSecurity: { enum: ['privileged', 'baseline', 'restricted'] },
        containers: { type: 'array', items: container },
        initContainers: { type: 'array', items: container },
        volumes: { type: 'array', items: namedObject },
        appContainers: {
          type: 'object',
          additionalProperties: false,
          properties: {
            select: { type: 'string' },
            volumeMounts: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'mountPath'],
                properties: { name: { type: 'string' }, mountPath: { type: 'string' } },
              },
            },
            env: { type: 'array', items: namedObject },
          },
        },
      },
    },
  },
} as const;
