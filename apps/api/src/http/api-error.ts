/** One problem in a client's input: where (`inputs.environment`, `steps[2].when`) and what. */
export interface ProblemDetail {
  path: string;
  message: string;
  code?: string;
  line?: number;
  column?: number;
}

export type ErrorDetails = Record<string, unknown>;

/**
 * Base of every domain error the API raises on purpose. Each feature narrows `C` to its own
 * stable code union; the exception filter maps codes to HTTP statuses.
 */
export abstract class ApiError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
