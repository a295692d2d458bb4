/** The fleet store: the FleetStore interface and its SQLite implementation. */
export * from './types.js';
export { openSqliteStore, SQLITE_FILE, MAX_AUDIT_PAGE, type SqliteStoreOptions } from './sqlite.js';
