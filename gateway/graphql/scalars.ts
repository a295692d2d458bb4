/** The API's custom scalars: DateTime, JSON and StringMap, each validating what it accepts. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { ErrorCode } from '../vocabulary.js';

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.VALIDATION_FAILED } });
}

function parseDate(value: unknown): Date {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw invalid(
    `DateTime ${JSON.stringify(value)} is invalid; expected an RFC 3339 timestamp such as 2026-11-25T10:30:00Z`,
  );
}

/** RFC 3339 timestamps, serialised in UTC with milliseconds. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(d.getTime()))
      throw new GraphQLError(`cannot serialise ${JSON.stringify(value)} as DateTime`);
    return d.toISOString();
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be a string such as "2026-11-25T10:30:00Z"');
    return parseDate(ast.value);
  },
});

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}

/** Any JSON value. */
export const JsonScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast, variables) => literalToJson(ast, variables),
});

function parseStringMap(value: unknown): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(
      `StringMap ${JSON.stringify(value)} is invalid; expected an object of string values such as {"tier": "edge"}`,
    );
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw invalid(`StringMap key ${JSON.stringify(k)} has value ${JSON.stringify(v)}; expected a string`);
    }
  }
  return value as Record<string, string>;
}

/** String-to-string maps (labels, selectors). */
export const StringMapScalar = new GraphQLScalarType<
  Readonly<Record<string, string>>,
  Readonly<Record<string, string>>
>({
  name: 'StringMap',
  serialize: (v) => v as Readonly<Record<string, string>>,
  parseValue: parseStringMap,
  parseLiteral: (ast, variables) => parseStringMap(literalToJson(ast, variables)),
});
