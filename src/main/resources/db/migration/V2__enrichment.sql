-- Genesys ids learned by correlation (inbound echo id -> message details -> conversation -> customer participant).
alter table conversation add column genesys_participant_id text;

-- Durable outbox: one job per archived conversation, created in the same transaction as its first Inbound message.
-- Workers lease due jobs with FOR UPDATE SKIP LOCKED, so any number of replicas can share the table.
create table enrichment_job (
    conversation_id          uuid        primary key references conversation (id) on delete cascade,
    first_message_id         text        not null,
    first_echo_at            timestamptz not null,
    state                    text        not null,
    outcome                  text,
    attempts                 int         not null default 0,
    next_attempt_at          timestamptz not null,
    locked_until             timestamptz,
    deadline_at              timestamptz not null,
    created_at               timestamptz not null,
    completed_at             timestamptz,
    last_error               text,
    -- SHA-256 of the attributes last PATCHed: the same content is never sent twice.
    patched_hash             text,
    constraint enrichment_job_state check (state in ('PENDING', 'DONE', 'FAILED'))
);

create index enrichment_job_due on enrichment_job (next_attempt_at) where state = 'PENDING';

-- What the agent was shown for a conversation: redacted lines, each citing the archived messages it came from.
create table conversation_summary (
    conversation_id  uuid        primary key references conversation (id) on delete cascade,
    headline         text        not null,
    lines            jsonb       not null,
    attributes       jsonb       not null,
    created_at       timestamptz not null
);
