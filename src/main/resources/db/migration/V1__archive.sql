-- Customers: a verified OIDC identity (issuer + subject) or a guest (issuer urn:carryover:guest, subject = SHA-256
-- of the thread token). Ids are derived from the key, so writers never need a lookup.
create table customer (
    id          uuid        primary key,
    issuer      text        not null,
    subject     text        not null,
    created_at  timestamptz not null,
    constraint customer_key unique (issuer, subject)
);

-- One row per Genesys guest session (deployment + hashed thread token). The raw token is never stored.
create table guest_session (
    id                       uuid        primary key,
    deployment_id            text        not null,
    token_hash               char(64)    not null,
    customer_id              uuid        not null references customer (id),
    current_conversation_id  uuid,
    created_at               timestamptz not null,
    last_seen_at             timestamptz not null,
    constraint guest_session_key unique (deployment_id, token_hash)
);

create table conversation (
    id                       uuid        primary key,
    genesys_conversation_id  text,
    deployment_id            text        not null,
    customer_id              uuid        not null references customer (id),
    session_id               uuid        not null references guest_session (id),
    started_at               timestamptz not null,
    ended_at                 timestamptz,
    state                    text        not null,
    constraint conversation_state check (state in ('ACTIVE', 'READ_ONLY', 'CLOSED'))
);

-- "A customer's conversations, newest first".
create index conversation_customer_started on conversation (customer_id, started_at desc);
create index conversation_session on conversation (session_id);
create index conversation_genesys on conversation (genesys_conversation_id);

create table message (
    id                  bigint      generated always as identity primary key,
    genesys_message_id  text,
    conversation_id     uuid        not null references conversation (id) on delete cascade,
    direction           text        not null,
    message_type        text        not null,
    event_type          text,
    text                text,
    sender_name         text,
    originating_entity  text,
    channel_time        timestamptz,
    received_at         timestamptz not null,
    original            jsonb       not null,
    -- Genesys replays messages after a reconnect: its id makes the replay a no-op.
    constraint message_genesys_id unique (genesys_message_id)
);

create index message_conversation_time on message (conversation_id, channel_time, id);
