/** The error a promise rejects with; fails when it resolves instead. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${what} succeeded but should have been refused`);
}
