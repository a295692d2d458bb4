import { specifiedRules, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../gateway/graphql/schema.js';
import { DocumentCache } from '../../gateway/server/document-cache.js';

const schema = buildSchema();
const rules = [...specifiedRules];
const text = `subscription { nodeEvents(where: { types: [NODE_CORDONED] }) { cluster type cursor } }`;

/** The document the cache gives for text; fails the test when it gives errors instead. */
function documentOf(cache: DocumentCache, query: string): DocumentNode {
  const r = cache.get(query);
  if ('errors' in r) throw new Error(`expected a document, got ${r.errors.map((e) => e.message).join('; ')}`);
  return r.document;
}

/** The first error message the cache gives for text; fails the test when it gives a document. */
function errorOf(cache: DocumentCache, query: string): string {
  const r = cache.get(query);
  if (!('errors' in r)) throw new Error('expected errors, got a document');
  return r.errors[0]?.message ?? '';
}

describe('DocumentCache', () => {
  it('hands every subscription sending the same text one document, parsed and validated once', () => {
    const cache = new DocumentCache(schema, rules);
    const a = documentOf(cache, text);
    expect(documentOf(cache, text)).toBe(a);
    expect(cache.size).toBe(1);
    // Another text is another document.
    expect(documentOf(cache, `${text} `)).not.toBe(a);
    expect(cache.size).toBe(2);
  });

  it('answers syntax and validation errors every time and keeps no document for them', () => {
    const cache = new DocumentCache(schema, rules);
    for (let i = 0; i < 2; i++) {
      expect(errorOf(cache, 'subscription { nodeEvents { ')).toMatch(/^Syntax Error/);
      expect(errorOf(cache, 'subscription { nodeEvents { noSuchField } }')).toMatch(/noSuchField/);
    }
    expect(cache.size).toBe(0);
  });

  it('stays within its bounds: the least recently used text goes first, an oversized text is not kept', () => {
    const cache = new DocumentCache(schema, rules, { max: 2, maxChars: 10_000 });
    const first = documentOf(cache, text);
    const second = documentOf(cache, `${text} `);
    documentOf(cache, text); // used again: the second text is now the least recently used
    documentOf(cache, `${text}  `);
    expect(cache.size).toBe(2);
    expect(documentOf(cache, text)).toBe(first);
    // The second text was let go: it is parsed anew.
    const secondAgain = documentOf(cache, `${text} `);
    expect(secondAgain).not.toBe(second);
    // An oversized text is answered but not kept: it evicts nothing.
    documentOf(cache, `${text}${' '.repeat(10_000)}`);
    expect(cache.size).toBe(2);
    expect(documentOf(cache, text)).toBe(first);
    expect(documentOf(cache, `${text} `)).toBe(secondAgain);
  });
});
