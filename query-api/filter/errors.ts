// Filter errors carry the position in the input so the message can point at it.
export class FilterError extends Error {
  override name = 'FilterError';
  constructor(
    message: string,
    readonly input: string,
    readonly position: number,
  ) {
    super(`${message} (at position ${position + 1}: ${FilterError.excerpt(input, position)})`);
  }

  private static excerpt(input: string, at: number): string {
    const start = Math.max(0, at - 20);
    return `${start > 0 ? '…' : ''}${input.slice(start, at)}⟶${input.slice(at, at + 20)}${at + 20 < input.length ? '…' : ''}`;
  }
}
