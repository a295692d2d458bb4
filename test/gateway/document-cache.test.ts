import { specifiedRules } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../gateway/graphql/schema.js';
import { DocumentCache } from '../../gateway/server/document-cache.js';

const schema = buildSchema();
const rules = [...specifiedRules];
const text = `subscription { nodeEvents(where: { types: [NODE_CORDONED] }) { cluster type cursor } }`;

describe('DocumentCache', () => {
  it('hands every subscription sending the same text one document, parsed and validated once', () => {
    const cache = new DocumentCache(schema, rules);
    const a = cache.get(text);
    const b = cache.get(text);
    expect('document' in a && 'document' in b).toBe(true);
    if (!('document' in a) || !('document' in b)) return;
    expect(b.document).toBe(a.document);
    expect(cache.size).toBe(1);
    // Another text is another document.
    const other = cache.get(`${text} `);
    expect('document' in other && other.document).not.toBe(a.document);
    expect(cache.size).toBe(2);
  });

  it('answers syntax and validation errors every time and keeps no document for them', () => {
    const cache = new DocumentCache(schema, rules);
    for (let i = 0; i < 2; i++) {
      const syntax = cache.get('subscription { nodeEvents { ');
      expect('errors' in syntax && syntax.errors[0]?.message).toMatch(/^Syntax Error/);
      const invalid = cache.get('subscription { nodeEvents { noSuchField } }');
      expect('errors' in invalid && invalid.errors[0]?.message).toMatch(/noSuchField/);
    }
    expect(cache.size).toBe(0);
  });

  it('stays within its bounds: the least recently used text goes first, an oversized text is not kept', () => {
    const cache = new DocumentCache(schema, rules, { max: 2, maxChars: 10_000 });
    const first = cache.get(text);
    const second = cache.get(`${text} `);
    cache.get(text); // used again: the second text is now the least recently used
    cache.get(`${text}  `);
    expect(cache.size).toBe(2);
    const again = cache.get(text);
    expect('document' in again && 'document' in first && again.document === first.document).toBe(true);
    // The second text was let go: it is parsed anew.
    const secondAgain = cache.get(`${text} `);
    expect(
      'document' in secondAgain && 'document' in second && secondAgain.document !== second.document,
    ).toBe(true);
    const long = `${text}${' '.repeat(10_000)}`;
    expect('document' in cache.get(long)).toBe(true);
    expect(cache.size).toBe(2);
  });
});
