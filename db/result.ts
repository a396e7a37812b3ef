// Errors cross every boundary (IPC, HTTP, CLI) as plain data with a stable code.
export interface AppErrorData {
  code: string;
  /** Chinese, for the user. */
  message: string;
  /** Row, column, field or other specifics the UI can show. */
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

export class AppError extends Error {
  readonly code: string;
  readonly details?: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }
  toData(): AppErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function toErrorData(e: unknown): AppErrorData {
  if (e instanceof AppError) return e.toData();
  const msg = e instanceof Error ? e.message : String(e);
  if (/SQLITE_BUSY|database is locked/i.test(msg)) {
    return { code: 'DB_BUSY', message: '台账文件正被另一程序占用，请稍后重试' };
  }
  return { code: 'INTERNAL', message: `内部错误：${msg}` };
}

/** One field-level problem; lists of these are the details of VALIDATION errors. */
export interface FieldIssue {
  field: string;
  label: string;
  message: string;
}
