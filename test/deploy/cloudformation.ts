/**
 * Just enough CloudFormation to assert on a generated template: conditions with literal
 * operands (the framework bakes parameters in at package time), Fn::If, and a canonical string
 * for the intrinsics that name resources.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Resource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
  Properties: Record<string, Json>;
}

export interface Template {
  Conditions?: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json }>;
}

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: Json;
  Condition?: Json;
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const only = (value: Json, fn: string): Json | undefined =>
  isObject(value) && Object.keys(value).length === 1 ? value[fn] : undefined;

/** Evaluates a condition whose operands are literals (or other such conditions). */
export const evaluateCondition = (template: Template, expression: Json): boolean => {
  if (typeof expression === "string") {
    const named = template.Conditions?.[expression];
    if (named === undefined) throw new Error(`unknown condition ${expression}`);
    return evaluateCondition(template, named);
  }
  const equals = only(expression, "Fn::Equals");
  if (Array.isArray(equals)) {
    const [a, b] = equals;
    if (typeof a !== "string" || typeof b !== "string") {
      throw new Error(`Fn::Equals with non-literal operands: ${JSON.stringify(equals)}`);
    }
    return a === b;
  }
  const not = only(expression, "Fn::Not");
  if (Array.isArray(not) && not[0] !== undefined) return !evaluateCondition(template, not[0]);
  const and = only(expression, "Fn::And");
  if (Array.isArray(and)) return and.every((item) => evaluateCondition(template, item));
  const or = only(expression, "Fn::Or");
  if (Array.isArray(or)) return or.some((item) => evaluateCondition(template, item));
  const condition = only(expression, "Condition");
  if (typeof condition === "string") return evaluateCondition(template, condition);
  throw new Error(`unsupported condition ${JSON.stringify(expression)}`);
};

/** Resolves Fn::If (recursively) by evaluating its condition; AWS::NoValue becomes undefined. */
export const resolveIfs = (template: Template, value: Json): Json | undefined => {
  const branch = only(value, "Fn::If");
  if (Array.isArray(branch)) {
    const [condition, whenTrue, whenFalse] = branch;
    if (typeof condition !== "string" || whenTrue === undefined || whenFalse === undefined) {
      throw new Error(`malformed Fn::If ${JSON.stringify(value)}`);
    }
    return resolveIfs(template, evaluateCondition(template, condition) ? whenTrue : whenFalse);
  }
  if (only(value, "Ref") === "AWS::NoValue") return undefined;
  if (Array.isArray(value)) {
    return value.map((item) => resolveIfs(template, item)).filter((item) => item !== undefined);
  }
  if (isObject(value)) {
    const result: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveIfs(template, item);
      if (resolved !== undefined) result[key] = resolved;
    }
    return result;
  }
  return value;
};

/**
 * A canonical string for a resource reference: literal strings as they are, Fn::Sub as its
 * pattern, `!GetAtt X.Arn` as "GetAtt:X.Arn", `!Ref X` as "Ref:X"; Fn::If is resolved first.
 */
export const reference = (template: Template, value: Json): string => {
  const resolved = resolveIfs(template, value);
  if (typeof resolved === "string") return resolved;
  const sub = only(resolved ?? null, "Fn::Sub");
  if (typeof sub === "string") return sub;
  const getAtt = only(resolved ?? null, "Fn::GetAtt");
  if (Array.isArray(getAtt)) return `GetAtt:${getAtt.join(".")}`;
  const ref = only(resolved ?? null, "Ref");
  if (typeof ref === "string") return `Ref:${ref}`;
  throw new Error(`unsupported reference ${JSON.stringify(value)}`);
};

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Resources that exist once the template's conditions are evaluated. */
export const activeResources = (template: Template): Record<string, Resource> =>
  Object.fromEntries(
    Object.entries(template.Resources).filter(
      ([, resource]) =>
        resource.Condition === undefined || evaluateCondition(template, resource.Condition),
    ),
  );

export const resourcesOfType = (template: Template, type: string): [string, Resource][] =>
  Object.entries(activeResources(template)).filter(([, resource]) => resource.Type === type);
