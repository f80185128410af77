// Types for the generated standalone ajv validator.
export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  /** Set when the error is about a mapping key checked by propertyNames. */
  propertyName?: string;
  params: Record<string, unknown>;
  message?: string;
  schema?: unknown;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}
export interface ValidateFn {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
export const validate: ValidateFn;
export default validate;
