/**
 * Parsed and validated operations by their text, for graphql-ws. The dashboards of one
 * application send the same subscription text, and each subscription keeps its document for
 * as long as it stays open: 1,000 dashboards kept 1,000 copies of one syntax tree (with the
 * token list and locations graphql-js records), about 150 objects each, that V8's full
 * collections mark again and again. With the cache they share one, and a repeated text is
 * neither parsed nor validated again (Apollo Server keeps such a store for HTTP).
 *
 * Only documents that validated are kept, so an invalid text gets its errors every time;
 * validation depends on nothing but the document, the schema and the rules (the limits are
 * rules over the document, not its variables), all fixed for the cache's life.
 */
import { LRUCache } from 'lru-cache';
import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';

/** Options of {@link DocumentCache}. */
export interface DocumentCacheOptions {
  /** Most texts kept. @default 1000 */
  max?: number;
  /** Most characters of text kept in all; a longer text is parsed every time. @default 1 MiB */
  maxChars?: number;
}

export class DocumentCache {
  private readonly documents: LRUCache<string, DocumentNode>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    options: DocumentCacheOptions = {},
  ) {
    this.documents = new LRUCache<string, DocumentNode>({
      max: options.max ?? 1000,
      maxSize: options.maxChars ?? 1 << 20,
      sizeCalculation: (_document, text) => Math.max(1, text.length),
    });
  }

  /** The document of an operation's text, or the errors parsing or validating it gave. */
  get(text: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const kept = this.documents.get(text);
    if (kept !== undefined) return { document: kept };
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (e) {
      if (e instanceof GraphQLError) return { errors: [e] };
      throw e;
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return { errors };
    this.documents.set(text, document);
    return { document };
  }

  /** Texts kept. */
  get size(): number {
    return this.documents.size;
  }
}
