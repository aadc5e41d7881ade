import argon2 from 'argon2';

export interface PasswordParams {
  memoryKib: number;
  iterations: number;
}

/** OWASP's recommended argon2id configuration (m = 19 MiB, t = 2, p = 1). */
export const OWASP_ARGON2ID: PasswordParams = { memoryKib: 19_456, iterations: 2 };

/**
 * The PHC string format lists argon2's parameters as m, t, p; the argon2 package writes m, p, t.
 * Stored hashes use the standard order so other argon2 implementations can verify them too.
 */
export function standardParameterOrder(hash: string): string {
  return hash.replace(/\$m=(\d+),p=(\d+),t=(\d+)\$/, '$m=$1,t=$3,p=$2$');
}

export class PasswordHasher {
  /** Verified against when the username is unknown, so both failures cost the same time. */
  private dummyHash: Promise<string>;

  constructor(private readonly params: PasswordParams = OWASP_ARGON2ID) {
    this.dummyHash = this.hash('parley-dummy-password');
  }

  async hash(password: string): Promise<string> {
    const hash = await argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.params.memoryKib,
      timeCost: this.params.iterations,
      parallelism: 1,
    });
    return standardParameterOrder(hash);
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
