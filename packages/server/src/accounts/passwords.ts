import argon2 from 'argon2';

export interface PasswordParams {
  memoryKib: number;
  iterations: number;
}

/** OWASP's recommended argon2id configuration (m = 19 MiB, t = 2, p = 1). */
export const OWASP_ARGON2ID: PasswordParams = { memoryKib: 19_456, iterations: 2 };

export class PasswordHasher {
  /** Verified against when the username is unknown, so both failures cost the same time. */
  private dummyHash: Promise<string>;

  constructor(private readonly params: PasswordParams = OWASP_ARGON2ID) {
    this.dummyHash = this.hash('parley-dummy-password');
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.params.memoryKib,
      timeCost: this.params.iterations,
      parallelism: 1,
    });
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? (await this.dummyHash), password);
      return hash !== null && ok;
    } catch {
      return false;
    }
  }
}
