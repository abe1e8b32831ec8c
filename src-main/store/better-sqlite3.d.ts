// The subset of better-sqlite3 12 that the store uses, typed after @types/better-sqlite3 so that adding
// that package later (a devDependency we have asked for) only means deleting this file.
declare module 'better-sqlite3' {
  namespace BetterSqlite3 {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }

    interface ColumnDefinition {
      name: string;
      column: string | null;
      table: string | null;
      database: string | null;
      type: string | null;
    }

    interface Statement<BindParameters extends unknown[] = unknown[], Result = unknown> {
      readonly database: Database;
      readonly source: string;
      readonly reader: boolean;
      readonly readonly: boolean;
      run(...params: BindParameters): RunResult;
      get(...params: BindParameters): Result | undefined;
      all(...params: BindParameters): Result[];
      iterate(...params: BindParameters): IterableIterator<Result>;
      pluck(toggleState?: boolean): this;
      raw(toggleState?: boolean): this;
      expand(toggleState?: boolean): this;
      safeIntegers(toggleState?: boolean): this;
      columns(): ColumnDefinition[];
    }

    interface Transaction<F extends (...args: never[]) => unknown> {
      (...params: Parameters<F>): ReturnType<F>;
      default(...params: Parameters<F>): ReturnType<F>;
      deferred(...params: Parameters<F>): ReturnType<F>;
      immediate(...params: Parameters<F>): ReturnType<F>;
      exclusive(...params: Parameters<F>): ReturnType<F>;
    }

    interface PragmaOptions {
      simple?: boolean;
    }

    interface Database {
      readonly memory: boolean;
      readonly readonly: boolean;
      readonly name: string;
      readonly open: boolean;
      readonly inTransaction: boolean;
      prepare<BindParameters extends unknown[] = unknown[], Result = unknown>(
        source: string,
      ): Statement<BindParameters, Result>;
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
      exec(source: string): this;
      pragma(source: string, options?: PragmaOptions): unknown;
      close(): this;
      defaultSafeIntegers(toggleState?: boolean): this;
    }

    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      timeout?: number;
      verbose?: ((message?: unknown, ...additionalArgs: unknown[]) => void) | undefined;
      nativeBinding?: string;
    }

    interface SqliteError extends Error {
      code: string;
    }
  }

  interface DatabaseConstructor {
    new (filename?: string | Buffer, options?: BetterSqlite3.Options): BetterSqlite3.Database;
    (filename?: string, options?: BetterSqlite3.Options): BetterSqlite3.Database;
    prototype: BetterSqlite3.Database;
    SqliteError: new (message: string, code: string) => BetterSqlite3.SqliteError;
  }

  const Database: DatabaseConstructor;
  // Type names under the default import, as @types/better-sqlite3 spells them: Database.Database, ...
  namespace Database {
    type Database = BetterSqlite3.Database;
    type Statement<BindParameters extends unknown[] = unknown[], Result = unknown> = BetterSqlite3.Statement<
      BindParameters,
      Result
    >;
    type RunResult = BetterSqlite3.RunResult;
    type Options = BetterSqlite3.Options;
    type SqliteError = BetterSqlite3.SqliteError;
  }
  export = Database;
}
