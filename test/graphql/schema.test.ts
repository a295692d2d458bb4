/** The SDL's shared enums say exactly what gateway/vocabulary.ts says. */
import { GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../gateway/graphql/schema.js';
import { Architecture, ClusterState, ErrorCode } from '../../gateway/vocabulary.js';

describe('schema vocabulary', () => {
  const schema = buildSchema();
  const values = (name: string) => {
    const t = schema.getType(name);
    if (!(t instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum`);
    return t
      .getValues()
      .map((v) => v.name)
      .sort();
  };

  it('has one ErrorCode enum equal to the vocabulary, each value documented', () => {
    expect(values('ErrorCode')).toEqual(Object.keys(ErrorCode).sort());
    const t = schema.getType('ErrorCode') as GraphQLEnumType;
    for (const v of t.getValues()) expect(v.description, v.name).toBeTruthy();
  });

  it('has ClusterState and Architecture enums equal to the vocabulary', () => {
    expect(values('ClusterState')).toEqual(Object.keys(ClusterState).sort());
    expect(values('Architecture')).toEqual(Object.keys(Architecture).sort());
  });
});
