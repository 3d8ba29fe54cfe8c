import { Param, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@warden/persistence';
import type { ProblemDetail } from './api-error';

class UuidPipe implements PipeTransform<string, string> {
  constructor(
    private readonly name: string,
    private readonly notFound: (problem: ProblemDetail) => Error,
  ) {}

  transform(value: string): string {
    if (isUuid(value)) return value;
    throw this.notFound({ path: this.name, message: 'must be a UUID' });
  }
}

/**
 * A route's id parameter. Ids are UUIDs, so any other text names nothing: the route's own
 * not-found error (with the parameter as its path) comes at once, and the text, which may be
 * anything up to the URL limit, is never echoed or sent to the database.
 */
export function UuidParam(name: string, notFound: (problem: ProblemDetail) => Error): ParameterDecorator {
  return Param(name, new UuidPipe(name, notFound));
}
