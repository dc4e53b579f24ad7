// Errors of the engine that mean "this machine or this user cannot", not "the lab is wrong":
// every adapter reports them in one sentence, and the CLI exits 3 (shared/api/exit-codes.ts).

export class CapabilityError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CapabilityError'
  }
}
