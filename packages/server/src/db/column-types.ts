import type { ColumnType, Generated } from 'kysely';

/** Timestamps are written as Date (or left to their defaults) and read back as Date. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb columns: written as JSON text (JSON.stringify), read back parsed. */
export type Json<T> = ColumnType<T, string, string>;

export type { Generated };
