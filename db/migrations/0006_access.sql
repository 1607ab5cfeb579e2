-- API keys. Every row a write changes names the acting key (created_by, updated_by).
CREATE TABLE api_key (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CONSTRAINT api_key_name_unique UNIQUE
                CONSTRAINT api_key_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$'),
    role        text NOT NULL CONSTRAINT api_key_role CHECK (role IN ('admin', 'planner', 'promoter', 'analyst', 'viewer')),
    -- Zones the key may act in; NULL means every zone.
    zones       text[],
    -- The public half of a generated key (lr_<public_id>_<secret>), used to find the row; NULL for the key given by
    -- LANDREGISTER_ADMIN_KEY, which has no such form.
    public_id   text CONSTRAINT api_key_public_id_unique UNIQUE,
    -- SHA-256 of the whole key. The key itself is never stored.
    secret_hash bytea NOT NULL CONSTRAINT api_key_hash_length CHECK (length(secret_hash) = 32),
    expires_at  timestamptz,
    revoked_at  timestamptz,
    revoked_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL,
    version     bigint NOT NULL DEFAULT 1
);
