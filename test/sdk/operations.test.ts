/**
 * sdk/operations covers the whole schema: every Query, Mutation and Subscription field has
 * one operation named like it, selecting just that field and passing every argument through
 * a variable of the argument's type; every operation validates against the schema; and the
 * generated SDK has a method for each.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Kind,
  parse,
  print,
  validate,
  type DefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../gateway/graphql/schema.js';
import { getSdk } from '../../sdk/src/sdk.generated.js';

const dir = join(process.cwd(), 'sdk', 'operations');
const definitions: DefinitionNode[] = readdirSync(dir)
  .filter((f) => f.endsWith('.graphql'))
  .flatMap((f) => parse(readFileSync(join(dir, f), 'utf8')).definitions);
const operations = definitions.filter(
  (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
);
const schema = buildSchema();

describe('SDK operations', () => {
  it('validate against the schema', () => {
    const errors = validate(schema, { kind: Kind.DOCUMENT, definitions });
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  const roots: [OperationTypeNode, GraphQLObjectType | null | undefined][] = [
    ['query' as OperationTypeNode, schema.getQueryType()],
    ['mutation' as OperationTypeNode, schema.getMutationType()],
    ['subscription' as OperationTypeNode, schema.getSubscriptionType()],
  ];
  for (const [kind, root] of roots) {
    it(`cover every ${kind} field with one operation of the same name passing every argument`, () => {
      expect(root).toBeTruthy();
      const fields = Object.values(root?.getFields() ?? {});
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields) {
        const ops = operations.filter((o) => o.name?.value === field.name);
        expect(ops, `operation ${field.name}`).toHaveLength(1);
        const op = ops[0] as OperationDefinitionNode;
        expect(op.operation, field.name).toBe(kind);
        const selections = op.selectionSet.selections;
        expect(selections, field.name).toHaveLength(1);
        const sel = selections[0];
        if (sel?.kind !== Kind.FIELD) throw new Error(`${field.name}: selects a fragment at the root`);
        expect(sel.name.value).toBe(field.name);
        expect(sel.alias, field.name).toBeUndefined();
        // Every argument is passed through a variable of the same name and type.
        const passed = new Map(
          (sel.arguments ?? []).map((a) => [
            a.name.value,
            a.value.kind === Kind.VARIABLE ? a.value.name.value : '',
          ]),
        );
        const variables = new Map(
          (op.variableDefinitions ?? []).map((v) => [v.variable.name.value, print(v.type)]),
        );
        for (const arg of field.args) {
          expect(passed.get(arg.name), `${field.name}(${arg.name})`).toBe(arg.name);
          expect(variables.get(arg.name), `${field.name}($${arg.name})`).toBe(String(arg.type));
        }
        expect(variables.size, `${field.name}: extra variables`).toBe(field.args.length);
      }
      const names = new Set(fields.map((f) => f.name));
      const extra = operations.filter((o) => o.operation === kind && !names.has(o.name?.value ?? ''));
      expect(extra.map((o) => o.name?.value)).toEqual([]);
    });
  }

  it('generated a typed method for every operation', () => {
    const sdk = getSdk(<R>() => Promise.resolve({} as R));
    expect(Object.keys(sdk).sort()).toEqual(operations.map((o) => o.name?.value).sort());
  });
});
