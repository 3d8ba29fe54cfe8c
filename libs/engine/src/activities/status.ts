/** Statuses worth another attempt: the server may answer differently next time. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export function statusExpected(status: number, expected: number[]): boolean {
  return expected.length === 0 ? status >= 200 && status < 300 : expected.includes(status);
}
