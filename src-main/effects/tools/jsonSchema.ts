/** The validator lives in src-shared (workflow inputs and the start dialog use it too). */
export { validateJsonSchema, type JsonSchema } from '../../../src-shared/jsonSchema';
