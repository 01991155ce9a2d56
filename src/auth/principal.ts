/**
 * Who is calling, as established by authentication. Partner systems are `client`s (private_key_jwt);
 * people (analysts, privacy officers, administrators) are `person`s with a token from the
 * municipality's identity provider. Carries no personal data beyond the subject identifier.
 */
export interface Principal {
  readonly kind: 'client' | 'person';
  /** Client id, or the identity provider's subject (an employee identifier). */
  readonly id: string;
  /** Organisation id from policies/organisations.yaml. */
  readonly organisation: string;
  /** Role ids from policies/roles.yaml. */
  readonly roles: readonly string[];
  /** Purposes this token may act for (person tokens carry them as a claim; clients carry none). */
  readonly purposes: readonly string[];
  /** The token's `jti`, for correlating decisions; never an access key. */
  readonly tokenId: string;
}
