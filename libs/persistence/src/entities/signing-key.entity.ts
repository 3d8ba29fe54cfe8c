import type { SealedPlatformSecret } from '@warden/crypto';
import type { JWK } from 'jose';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An access-token signing key, shared by the whole platform (no tenant, no row-level security). */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_signing_keys' })
  kid!: string;

  @Column({ type: 'text' })
  algorithm!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: JWK;

  /**
   * The private JWK sealed by PlatformSecretBox (purpose `signing-key`, bound to the kid). A
   * plain JWK only in rows written before keys were sealed, until the API's next start seals them.
   */
  @Column({ name: 'private_jwk', type: 'jsonb' })
  privateJwk!: SealedPlatformSecret | JWK;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'not_after', type: 'timestamptz', nullable: true })
  notAfter!: Date | null;
}
