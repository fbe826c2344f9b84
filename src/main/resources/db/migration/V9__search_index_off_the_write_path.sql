-- The full-text index leaves the archive writer's transaction (issue "Hot path": updating the GIN expression index
-- was about half of PostgreSQL's cost per archived message). Every statement that inserts messages queues the range
-- of ids it inserted (search_backlog, committed with the messages, whoever inserts: the writer, an import, a test);
-- SearchIndexer turns queued ranges into stored vectors (message_search) when the archive has slack. A search reads
-- message_search and matches the messages of queued ranges on the fly, so it is complete at every moment; only its
-- cost grows with the backlog.

-- The configuration the stored vectors were made with (one row). A search with another configuration cannot use them.
create table search_index (
    singleton      boolean  primary key default true check (singleton),
    configuration  regconfig not null
);
insert into search_index (configuration) values ('${search_configuration}'::regconfig);

-- Erasing a message erases its vector: the vector holds the message's words.
create table message_search (
    message_id  bigint   primary key references message (id) on delete cascade,
    vector      tsvector not null
);
create index message_search_vector on message_search using gin (vector);

-- Messages with after_id < id <= through_id may lack a vector. Ids are taken concurrently, so a range may also hold
-- another transaction's rows; those are queued by that transaction too, and indexing a message twice is a no-op.
create table search_backlog (
    id          bigint      generated always as identity primary key,
    after_id    bigint      not null,
    through_id  bigint      not null,
    queued_at   timestamptz not null default now()
);

create function queue_messages_for_search() returns trigger language plpgsql as $$
begin
    insert into search_backlog (after_id, through_id)
    select min(id) - 1, max(id) from inserted having count(*) > 0;
    return null;
end
$$;

-- Per statement, not per row: one COPY of a batch queues one range.
create trigger message_queued_for_search after insert on message
    referencing new table as inserted for each statement execute function queue_messages_for_search();

-- An existing archive is indexed in the background, oldest first; until then its searches match on the fly.
insert into search_backlog (after_id, through_id)
select 0, max(id) from message having max(id) is not null;

drop index if exists message_text_search;
