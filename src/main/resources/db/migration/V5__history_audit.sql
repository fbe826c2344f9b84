-- History API audit log: every read, search, export and erase, who asked and what came of it. Ids only, never
-- message text or the customer's issuer and subject, so an erasure leaves its own record without the erased content.
create table audit_log (
    id              bigint      generated always as identity primary key,
    at              timestamptz not null,
    caller_issuer   text        not null,
    caller_subject  text        not null,
    action          text        not null,
    customer_id     uuid,
    target          text,
    result          text        not null
);

create index audit_log_customer_at on audit_log (customer_id, at);
create index audit_log_at on audit_log (at);
