-- Users and roles (issue 10): last sign-in shown on /admin/users, an index
-- for the "last active admin" check (a locking read of the active admins
-- touches only their index entries), and the password-set links that replace
-- typing someone's password.
--
-- password_tokens: the link carries a random 256-bit token; only its keyed
-- BLAKE2b hash (key: the configured Secret) is stored, so neither a copy of
-- the table nor a write to it yields a working link. A token works once
-- (used_at) and until expires_at.

ALTER TABLE users
  ADD COLUMN last_login_at DATETIME NULL AFTER active,
  ADD KEY ix_users_role_active (role, active, id);

CREATE TABLE password_tokens (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash  BINARY(32) NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  created_by  BIGINT UNSIGNED NULL,                  -- the admin (NULL: invoicectl)
  created_at  DATETIME NOT NULL,
  expires_at  DATETIME NOT NULL,
  used_at     DATETIME NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_password_tokens_hash (token_hash),
  KEY ix_password_tokens_user (user_id, id),
  KEY ix_password_tokens_expires (expires_at),
  CONSTRAINT fk_password_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_password_tokens_creator FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
