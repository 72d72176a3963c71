// A connection that keeps its prepared statements. The query layer's ReadStore is one; store
// modules that write on such a connection take this shape rather than the query layer's class.
import type Database from 'better-sqlite3';
import type { Db } from './database';

export interface StatementCache {
  readonly db: Db;
  /** A prepared statement, cached by its SQL text. */
  stmt(sql: string): Database.Statement;
}
